import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractSeaAssets } from '../sea/extract-assets';

/**
 * Which workflow code the worker runs, first match wins:
 * 1. $SPACELIFT_CASCADE_WORKFLOW_BUNDLE (an explicit pre-built bundle);
 * 2. inside the single binary, the bundle it carries, extracted to the asset cache;
 * 3. dist/workflow-bundle.js next to the compiled code (`npm run build`);
 * 4. running from source (tsx), src/workflows, bundled by the SDK on start.
 */
export function resolveWorkflowSource(): { bundlePath: string } | { workflowsPath: string } {
  const explicit = process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
  if (explicit) return { bundlePath: explicit };
  const sea = extractSeaAssets();
  if (sea) return { bundlePath: sea.workflowBundlePath };
  const built = join(__dirname, '..', 'workflow-bundle.js');
  if (existsSync(built)) return { bundlePath: built };
  return { workflowsPath: require.resolve('../workflows') };
}
