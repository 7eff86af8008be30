/** The small demo account in fixtures/spacelift/account.json (a one-page searchStacks response). */
import type { SearchStacksResponse } from '../../spacelift/queries';
import { validateResponse } from '../../spacelift/validate';
import type { FakeStackSpec } from './types';

/*
 * A literal require() rather than an import: tsconfig.build.json has rootDir "src", so importing JSON from outside
 * it fails (TS6059). src/fakes/spacelift and dist/fakes/spacelift both sit three levels below the repo, and esbuild
 * inlines the file when it bundles the CLI, so the demo works from source, from dist/ and from the binary.
 */
const ACCOUNT: unknown = require('../../../fixtures/spacelift/account.json');

export function loadFixtureAccount(): FakeStackSpec[] {
  // A deep copy first: the required JSON is a shared module-cache object that callers must not be able to change.
  const account = validateResponse<SearchStacksResponse>('search-stacks', structuredClone(ACCOUNT), {
    operation: 'loadFixtureAccount',
  });
  return account.data.searchStacks.edges.map(({ node }) => ({
    id: node.id,
    name: node.name,
    labels: node.labels,
    state: node.state,
    isDisabled: node.isDisabled,
    lockedBy: node.lockedBy,
    branch: node.branch,
    attachedContexts: node.attachedContexts?.map(({ contextId, contextName, priority }) => ({ contextId, contextName, priority })),
  }));
}
