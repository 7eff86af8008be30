/** Where progress goes: process.stderr in the CLI, a fake in tests. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

export interface Progress {
  /** Shows the running count, replacing the previous one. */
  update(count: number): void;
  /** Clears the line, so the real output starts on a clean one. */
  done(): void;
}

const NUMBER = new Intl.NumberFormat('en-US');
const CLEAR_LINE = '\r\x1b[K';

/**
 * `reading stacks… 1,250`, rewritten in place after every page, on a terminal only: redirected stderr (CI logs,
 * `2> file`) must not fill up with carriage returns.
 */
export function createProgress(stream: ProgressStream, label: string): Progress {
  if (!stream.isTTY) return { update: () => undefined, done: () => undefined };
  let shown = false;
  return {
    update(count) {
      stream.write(`${CLEAR_LINE}${label} ${NUMBER.format(count)}`);
      shown = true;
    },
    done() {
      if (shown) stream.write(CLEAR_LINE);
      shown = false;
    },
  };
}
