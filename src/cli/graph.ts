import { ConfigError } from '../config/errors';
import { loadConfig } from '../config/load-config';
import type { Config } from '../config/types';
import { buildGraph, type DependencyGraph } from '../graph/build-graph';
import { graphToJson } from '../graph/graph-json';
import { createProgress, type ProgressStream } from '../graph/progress';
import { readStackFixture } from '../graph/read-fixture';
import { renderDot } from '../graph/render-dot';
import { renderMermaid } from '../graph/render-mermaid';
import { renderTree } from '../graph/render-tree';
import { SpaceliftClient } from '../spacelift/client';
import type { Stack } from '../platform/types';
import type { CommandContext } from './command-context';
import { quietLogger } from '../log/quiet-logger';
import { readAllUnits } from '../service/terraform-client';
import { EXIT, type ExitCode } from './exit-codes';

export const GRAPH_FORMATS = ['tree', 'mermaid', 'dot', 'json'] as const;
type GraphFormat = (typeof GRAPH_FORMATS)[number];

const RENDERERS: Record<GraphFormat, (graph: DependencyGraph) => string> = {
  tree: renderTree,
  mermaid: renderMermaid,
  dot: renderDot,
  json: (graph) => JSON.stringify(graphToJson(graph), null, 2),
};

/**
 * `graph [--root <stack>] [--format tree|mermaid|dot|json] [--fixture <file>]`: the dependency graph of the whole
 * account or of one stack's cascade, from one read of the account (or a file). Read-only; needs no Temporal.
 */
export async function runGraph(context: CommandContext, progressStream: ProgressStream = process.stderr): Promise<ExitCode> {
  const config = loadConfig({ env: context.env, flags: context.configFlags, role: 'graph' });
  const fixture = context.options.fixture;
  const stacks = fixture !== undefined ? readStackFixture(fixture) : await readAccount(config, progressStream);
  const root = context.options.root;
  if (root !== undefined && !stacks.some((stack) => stack.id === root)) {
    const source =
      fixture !== undefined
        ? `fixture ${fixture}`
        : `${config.spacelift?.endpoint} (or not visible to API key ${config.spacelift?.apiKeyId})`;
    throw new Error(`stack ${root} not found in ${source}`);
  }
  const graph = buildGraph(stacks, { ...(root !== undefined ? { root } : {}), globalWhen: config.cascade.edgeMode });
  context.stdout(RENDERERS[(context.options.format ?? 'tree') as GraphFormat](graph));
  return EXIT.ok;
}

async function readAccount(config: Config, progressStream: ProgressStream): Promise<Stack[]> {
  if (!config.spacelift) {
    throw new ConfigError(
      'Spacelift API credentials are missing: set SPACELIFT_API_ENDPOINT, SPACELIFT_API_KEY_ID and SPACELIFT_API_KEY_SECRET, or use --fixture <file>',
    );
  }
  // The graph is the output; client logs would only add noise unless asked for.
  const logger = quietLogger(config);
  const client = new SpaceliftClient({ ...config.spacelift, logger: logger.child({ component: 'spacelift' }) });
  const progress = createProgress(progressStream, 'reading stacks…');
  try {
    return await readAllUnits(config, client, logger, (count) => progress.update(count));
  } finally {
    progress.done();
  }
}
