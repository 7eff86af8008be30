import type { Env } from '../config/read-secret';
import type { LoadConfigFlags } from '../config/load-config';
import type { ExitCode } from './exit-codes';

/** What main hands every command; stdout/stderr are injectable so commands can be tested in-process. */
export interface CommandContext {
  env: Env;
  configFlags: LoadConfigFlags;
  switches: ReadonlySet<string>;
  /** Positional arguments by name (`workflow-id`, `stack-id`); the parser guarantees the command's are all there. */
  arguments: Readonly<Record<string, string>>;
  /** Command options that were given (`format`, `by`, `reason`). */
  options: Readonly<Record<string, string>>;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

export type CommandRunner = (context: CommandContext) => Promise<ExitCode>;
