import type { Logger } from '../../log/logger';
import { describeError } from '../../log/describe-error';

/** The demo's resources, closed in reverse order of creation (listener and worker before the server). */
export class TeardownStack {
  private readonly steps: Array<{ name: string; run: () => Promise<void> }> = [];

  constructor(private readonly logger: Logger) {}

  /**
   * Registers the closer for a resource that may still be starting: if Ctrl-C arrives mid-start, the
   * resource is closed once it exists instead of leaking (a dev server would keep its port).
   */
  track<T>(name: string, starting: Promise<T>, close: (resource: T) => Promise<void>): Promise<T> {
    this.steps.push({
      name,
      run: async () => {
        const resource = await starting.catch(() => undefined);
        if (resource !== undefined) await close(resource);
      },
    });
    return starting;
  }

  async closeAll(): Promise<void> {
    while (this.steps.length > 0) {
      const step = this.steps.pop();
      if (!step) break;
      try {
        await step.run();
      } catch (err) {
        this.logger.warn('demo teardown step failed', { step: step.name, error: describeError(err) });
      }
    }
  }
}

export class DemoInterrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'DemoInterrupted';
  }
}

/** Rejects with DemoInterrupted as soon as the signal arrives, whatever `work` is doing. */
export function unlessInterrupted<T>(interrupted: Promise<NodeJS.Signals>, work: Promise<T>): Promise<T> {
  return Promise.race([work, interrupted.then((signal) => Promise.reject(new DemoInterrupted(signal)))]);
}
