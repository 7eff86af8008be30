const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];

export interface ShutdownSignal {
  /** Resolves with the first SIGINT/SIGTERM. */
  received: Promise<NodeJS.Signals>;
  dispose(): void;
}

/**
 * The first signal starts a graceful shutdown; a second one means the operator is out of patience, so the
 * process exits at once (code 130, like a shell's Ctrl-C).
 */
export function listenForShutdown(onSecondSignal: (signal: NodeJS.Signals) => void = () => process.exit(130)): ShutdownSignal {
  let first: NodeJS.Signals | undefined;
  let resolve!: (signal: NodeJS.Signals) => void;
  const received = new Promise<NodeJS.Signals>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => {
    if (first) return onSecondSignal(signal);
    first = signal;
    resolve(signal);
  };
  for (const signal of SIGNALS) process.on(signal, handler);
  return {
    received,
    dispose: () => {
      for (const signal of SIGNALS) process.off(signal, handler);
    },
  };
}
