import { describeError } from '../log/describe-error';

export type Readiness = boolean | { ready: boolean; reason?: string };
export type ReadinessCheck = () => Readiness | Promise<Readiness>;

/** A hung dependency check must not hang the probe: answer "not ready" instead. */
const READINESS_TIMEOUT_MS = 2_000;

export async function checkReadiness(isReady: ReadinessCheck): Promise<{ ready: boolean; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const result = await Promise.race([
      Promise.resolve().then(isReady),
      new Promise<Readiness>((resolve) => {
        timer = setTimeout(() => resolve({ ready: false, reason: 'readiness check timed out' }), READINESS_TIMEOUT_MS);
      }),
    ]);
    if (typeof result === 'boolean') return { ready: result, reason: result ? 'ready' : 'not ready' };
    return { ready: result.ready, reason: result.reason ?? (result.ready ? 'ready' : 'not ready') };
  } catch (err) {
    return { ready: false, reason: `readiness check failed: ${describeError(err)}` };
  } finally {
    clearTimeout(timer);
  }
}
