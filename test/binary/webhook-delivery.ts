import { createHmac } from 'node:crypto';

export const WEBHOOK_SECRET = 'binary-test-webhook-secret';

// `network` must not match `net`: dependsOn:network names a different upstream.
export const STACKS = [
  { id: 'net', name: 'Network' },
  { id: 'network', name: 'Network (legacy)' },
  { id: 'app', name: 'App', labels: ['dependsOn:net'] },
  { id: 'db', name: 'Database', labels: ['team:data', 'dependsOn:net'] },
  { id: 'edge', name: 'Edge', labels: ['dependsOn:network'] },
];

/** POSTs a signed FINISHED delivery for `stackId` to a listener on 127.0.0.1:port; returns the status and answer. */
export async function deliverRunFinished(
  port: number,
  stackId: string,
  runId: string,
  timeoutMs = 15_000,
): Promise<{ status: number; answer: Record<string, unknown> }> {
  const body = Buffer.from(JSON.stringify(runFinishedEvent(stackId, runId)));
  const res = await fetch(`http://127.0.0.1:${port}/webhooks/spacelift`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-signature-256': sign(body, WEBHOOK_SECRET) },
    body,
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, answer: (await res.json()) as Record<string, unknown> };
}

/** A Spacelift run-state-change delivery (spacelift-api.md §4.2), FINISHED and TRACKED. */
function runFinishedEvent(stackId: string, runId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    account: 'acme',
    state: 'FINISHED',
    stateVersion: 7,
    timestamp: now,
    run: {
      id: runId,
      branch: 'main',
      createdAt: now - 60,
      type: 'TRACKED',
      triggeredBy: null,
      commit: {
        authorLogin: 'jdoe',
        authorName: 'Jane Doe',
        hash: '9f1c2e7a0b3d4c5e6f708192a3b4c5d6e7f80912',
        message: 'bump cidr',
        timestamp: now - 120,
        url: 'https://example.invalid/commit/9f1c2e7',
      },
      delta: { added: 1, changed: 0, deleted: 0, resources: 3 },
    },
    stack: { id: stackId, name: 'Network', description: null, labels: [] },
  };
}

function sign(body: Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
