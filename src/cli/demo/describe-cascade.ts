import { parseDependsOn } from '../../spacelift/labels';
import type { ChainResult } from '../../workflows/types';

interface StackLike {
  id: string;
  name?: string;
  labels?: string[];
}

/** `eks (EKS cluster) depends on vpc` lines for the fixture account, roots first. */
export function describeAccount(stacks: readonly StackLike[]): string[] {
  return stacks.map((stack) => {
    const upstream = parseDependsOn(stack.labels ?? []);
    const label = stack.name ? `${stack.id} (${stack.name})` : stack.id;
    return upstream.length > 0 ? `    ${label} depends on ${upstream.join(', ')}` : `    ${label}`;
  });
}

/** One line per dependent from the workflow's own result: the source of truth for what happened. */
export function describeResult(result: ChainResult): string[] {
  if (result.dependents.length === 0) return [`  No stack depends on ${result.stack_id}; nothing to trigger.`];
  return result.dependents.map((d) =>
    d.status === 'triggered'
      ? `  ✔ ${d.stack_id} (${d.stack_name}): run ${d.run.id} is ${d.run.state}`
      : `  ✘ ${d.stack_id} (${d.stack_name}): ${d.error}`,
  );
}
