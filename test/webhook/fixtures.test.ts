import t from 'tap';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateRunEvent } from '../../src/webhook';
import { FIXTURES } from './harness';

const read = (path: string): unknown => JSON.parse(readFileSync(path, 'utf8'));

t.test('every webhook fixture matches the run event schema', async (t) => {
  const names = readdirSync(FIXTURES).filter((n) => n.endsWith('.json'));
  t.ok(names.length >= 6);
  for (const name of names) {
    const result = validateRunEvent(read(join(FIXTURES, name)));
    t.ok(result.ok, `${name}: ${result.ok ? 'valid' : result.reason}`);
  }
});

t.test('every broken fixture fails, naming the field', async (t) => {
  const expected: Record<string, string> = {
    'run-missing-id.json': 'run.id is required',
    'state-version-string.json': 'stateVersion must be integer, got "7"',
    'policy-input-shape.json': 'state is required',
  };
  const dir = join(FIXTURES, 'invalid');
  const names = readdirSync(dir).filter((n) => n.endsWith('.json'));
  t.same(names.sort(), Object.keys(expected).sort(), 'each broken fixture has an expectation');
  for (const name of names) {
    const result = validateRunEvent(read(join(dir, name)));
    t.same(result.ok ? 'valid' : result.reason, expected[name], name);
  }
});

t.test('the schema names the fields the cascade reads as required', async (t) => {
  const schema = read(join(__dirname, '..', '..', 'schemas', 'webhook-run-event.json')) as {
    required: string[];
    properties: { run: { required: string[] }; stack: { required: string[] } };
  };
  t.same(schema.required, ['state', 'stateVersion', 'run', 'stack']);
  t.same(schema.properties.run.required, ['id', 'type']);
  t.same(schema.properties.stack.required, ['id']);
});
