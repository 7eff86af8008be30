import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { extractSeaAssets } from '../sea/extract-assets';

/**
 * Which workflow code the worker runs, first match wins:
 * 1. $SPACELIFT_CASCADE_WORKFLOW_BUNDLE (an explicit pre-built bundle);
 * 2. inside the single binary, the bundle it carries, extracted to the asset cache;
 * 3. dist/workflow-bundle.js next to the compiled code (`npm run build`);
 * 4. running from source (tsx), src/workflows, bundled by the SDK on start.
 * `traced`: tracing is on, so the bundle with the OpenTelemetry workflow interceptors (…-traced.js) is taken. A
 * workflow may move between the two (tracing turned on or off across a restart): the interceptors only add headers
 * and sink calls, never a command, so either bundle replays any history.
 */
export function resolveWorkflowSource(traced: boolean): { bundlePath: string } | { workflowsPath: string } {
  const explicit = process.env.SPACELIFT_CASCADE_WORKFLOW_BUNDLE;
  if (explicit) return { bundlePath: explicit };
  const sea = extractSeaAssets();
  if (sea) return { bundlePath: traced ? sea.tracedWorkflowBundlePath : sea.workflowBundlePath };
  const built = join(__dirname, '..', traced ? 'workflow-bundle-traced.js' : 'workflow-bundle.js');
  if (existsSync(built)) return { bundlePath: built };
  return { workflowsPath: require.resolve('../workflows') };
}
