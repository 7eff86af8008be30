// Shared by the fixture tests of both platforms (test/fixtures.test.ts, test/terraform/fixtures.test.ts): a broken
// copy of a fixture must fail the schema, and the validator must throw its platform's error with the expected text.

/**
 * A fixture file, its schema, a mutation that breaks it and the message expected. The mutations break the JSON in ways
 * the types forbid, so they take it as `unknown` and edit it by JSON Pointer (test/support/json.ts).
 */
export type Breakage<Schema> = [file: string, schema: Schema, mutate: (d: unknown) => void, message: RegExp];

export interface Validator<Schema> {
  load(file: string): unknown;
  matches(schema: Schema, data: unknown): boolean;
  /** Throws `error` for data that does not match. */
  validate(schema: Schema, data: unknown): unknown;
  error: new (...args: never[]) => Error;
}

export function checkBreakages<Schema>(t: tap.Test, breakages: Breakage<Schema>[], validator: Validator<Schema>): void {
  for (const [file, schema, mutate, message] of breakages) {
    const broken = validator.load(file);
    mutate(broken);
    t.notOk(validator.matches(schema, broken), `broken ${file} is rejected`);
    t.throws(() => validator.validate(schema, broken), validator.error);
    t.throws(() => validator.validate(schema, broken), { message });
  }
}
