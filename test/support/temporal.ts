import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, bundleWorkflowCode, makeTelemetryFilterString } from '@temporalio/worker';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devServerExecutable, testServerExecutable } from '../../src/temporal/local-servers';
import { workflowInterceptorModules } from '../../src/tracing';

// Test output shows test results; SDK chatter (worker state changes, core warnings about the test server's
// capabilities) and the Java server's stack traces for expected errors go elsewhere.
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }), forward: {} } },
});
process.env.TEMPORAL_TEST_SERVER_LOG ??= join(tmpdir(), 'spacelift-cascade-test-server.log');

/**
 * A time-skipping environment on the Java test server (provisioned by scripts/provision-test-server.sh,
 * or $TEMPORAL_TEST_SERVER_PATH, or the SDK's download). A cold JVM on a busy 2-core machine can miss
 * sdk-core's fixed 5 s readiness window, so one failed start is retried.
 */
export async function createTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  const create = () => TestWorkflowEnvironment.createTimeSkipping({ server: { executable: testServerExecutable() } });
  return create().catch((err: unknown) => {
    if (err instanceof Error && err.message.includes('did not start within')) return create();
    throw err;
  });
}

/** A full Temporal dev server (the Temporal CLI built by scripts/provision-dev-server.sh). */
export async function createDevEnv(): Promise<TestWorkflowEnvironment> {
  return TestWorkflowEnvironment.createLocal({ server: { executable: devServerExecutable() } });
}

let bundle: Promise<string> | undefined;

/** The workflow bundle, built once per test process from source. */
export function workflowBundleCode(): Promise<string> {
  bundle ??= bundleWorkflowCode({
    workflowsPath: require.resolve('../../src/workflows'),
    // As in production (scripts/build-workflow-bundle.mjs): the OpenTelemetry workflow interceptors.
    workflowInterceptorModules: workflowInterceptorModules(),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error() {}, log() {} },
  }).then(({ code }) => code);
  return bundle;
}

let queue = 0;
/** A task queue name unique within this process, so workers of different tests never share tasks. */
export function uniqueTaskQueue(prefix = 'test'): string {
  queue += 1;
  return `${prefix}-${process.pid}-${queue}`;
}
