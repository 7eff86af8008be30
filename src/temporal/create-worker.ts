import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../activities';
import type { SpaceliftApi } from '../spacelift/types';

export interface CreateWorkerOptions {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  spacelift: SpaceliftApi;
  /**
   * Production passes the bundle built at build time (dist/workflow-bundle.js); development and tests
   * may bundle from source instead.
   */
  workflows: { bundlePath: string } | { workflowsPath: string };
  overrides?: Partial<WorkerOptions>;
}

export async function createWorker(options: CreateWorkerOptions): Promise<Worker> {
  const source = 'bundlePath' in options.workflows
    ? { workflowBundle: { codePath: options.workflows.bundlePath } }
    : { workflowsPath: options.workflows.workflowsPath };
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    activities: createActivities({ spacelift: options.spacelift }),
    ...source,
    ...options.overrides,
  });
}
