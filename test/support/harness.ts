import type { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createWorker, type CreateWorkerOptions } from '../../src/service/create-worker';
import type { PlatformApi } from '../../src/platform/types';
import type { ChainInput, ChainResult } from '../../src/workflows/types';
import { CASCADE_WORKFLOW_TYPE, type CascadeInput, type CascadeStatus } from '../../src/workflows/cascade-types';
import type { WorkflowHandle } from '@temporalio/client';
import { CHAIN_WORKFLOW_TYPE } from '../../src/workflows/types';
import { uniqueTaskQueue, workflowBundleCode } from './temporal';

/** The cascade workflow's signature, so that `handle.result()` is typed (the worker loads it by type name). */
type CascadeWorkflowFn = (input: CascadeInput) => Promise<CascadeStatus>;

export interface WorkerContext {
  client: Client;
  taskQueue: string;
  /** Runs StackDependencyChainWorkflow to completion (time skips while it waits). */
  runChain: (input: ChainInput, workflowId?: string) => Promise<ChainResult>;
  /** Starts CascadeWorkflow; `await handle.result()` lets simulated time run. */
  startCascade: (input: CascadeInput, workflowId?: string) => Promise<WorkflowHandle<CascadeWorkflowFn>>;
  runCascade: (input: CascadeInput, workflowId?: string) => Promise<CascadeStatus>;
}

let ids = 0;

/** Runs `fn` while a real worker (real activities over `spacelift`) polls a fresh task queue. */
export async function withWorker<T>(
  env: TestWorkflowEnvironment,
  spacelift: PlatformApi,
  fn: (ctx: WorkerContext) => Promise<T>,
  options: { discovery?: 'scan' | 'label' } & Pick<
    CreateWorkerOptions,
    'notifier' | 'auditLog' | 'metrics' | 'terraform' | 'triggerRatePerSecond'
  > = {},
): Promise<T> {
  const taskQueue = uniqueTaskQueue();
  const worker = await createWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    spacelift,
    ...(options.discovery ? { discovery: options.discovery } : {}),
    ...(options.notifier ? { notifier: options.notifier } : {}),
    ...(options.auditLog ? { auditLog: options.auditLog } : {}),
    ...(options.terraform ? { terraform: options.terraform } : {}),
    ...(options.triggerRatePerSecond ? { triggerRatePerSecond: options.triggerRatePerSecond } : {}),
    // Without metrics the worker still registers its sinks (into a registry nobody reads), so every test runs them.
    ...(options.metrics ? { metrics: options.metrics } : {}),
    workflows: { bundleCode: await workflowBundleCode() },
  });
  const client = env.client;
  const runChain = (input: ChainInput, workflowId = `chain-${process.pid}-${++ids}`) =>
    client.workflow.execute(CHAIN_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      // Fail loudly instead of hanging if something never completes (simulated time).
      workflowExecutionTimeout: '1 day',
    }) as Promise<ChainResult>;
  const startCascade = (input: CascadeInput, workflowId = `cascade-${process.pid}-${++ids}`) =>
    client.workflow.start<CascadeWorkflowFn>(CASCADE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      workflowExecutionTimeout: '30 days',
    });
  const runCascade = async (input: CascadeInput, workflowId?: string) => (await startCascade(input, workflowId)).result();
  return worker.runUntil(fn({ client, taskQueue, runChain, startCascade, runCascade }));
}
