import { parseDependsOn } from '../../spacelift/labels';

interface StackLike {
  id: string;
  name?: string | null;
  labels?: string[] | null;
}

/** `eks (EKS cluster) depends on vpc` lines for the fixture account, roots first. */
export function describeAccount(stacks: readonly StackLike[]): string[] {
  return stacks.map((stack) => {
    const upstream = parseDependsOn(stack.labels ?? []);
    const label = stack.name ? `${stack.id} (${stack.name})` : stack.id;
    return upstream.length > 0 ? `    ${label} depends on ${upstream.join(', ')}` : `    ${label}`;
  });
}
