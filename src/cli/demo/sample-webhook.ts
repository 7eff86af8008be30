/** The demo's first webhook: fixtures/webhooks/run-finished-tracked.json, and the template of those that follow. */

export interface SampleWebhook {
  stack: { id: string; name: string; labels: string[] };
  run: { id: string; triggeredBy: string | null };
}

// Literal require: inlined by esbuild, and src/cli/demo and dist/cli/demo are both three levels below the repo.

export const SAMPLE_WEBHOOK = require('../../../fixtures/webhooks/run-finished-tracked.json') as SampleWebhook;
