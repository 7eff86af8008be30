import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Production loads the bundle built at build time (dist/workflow-bundle.js, or $SPACELIFT_CASCADE_WORKFLOW_BUNDLE);
 * running from source (tsx / ts-node) bundles src/workflows on start instead.
 */
export function resolveWorkflowSource(): { bundlePath: string } | { workflowsPath: string } {
  const explicit = process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
  if (explicit) return { bundlePath: explicit };
  const built = join(__dirname, '..', 'workflow-bundle.js');
  if (existsSync(built)) return { bundlePath: built };
  return { workflowsPath: require.resolve('../workflows') };
}
