// The workflow bundle's entry: only deterministic code may be reachable from here.
export { StackDependencyChainWorkflow } from './stack-dependency-chain';
export { StackExecutionWorkflow } from './stack-execution';
export { CascadeWorkflow } from './cascade';
export { RunMonitorWorkflow } from './run-monitor';
export { StackRunsWorkflow } from './stack-runs';
