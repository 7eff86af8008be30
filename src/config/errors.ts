/**
 * A configuration problem the operator must fix (exit code 2). The message names the variable and,
 * for non-secret variables only, the offending value; tests assert these messages exactly.
 */
export class ConfigError extends Error {
  /** The variable (or flag) at fault, when there is exactly one. */
  readonly variable: string | undefined;

  constructor(message: string, variable?: string) {
    super(message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
