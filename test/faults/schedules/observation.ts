/** What a case did, as the invariants read it: plain data gathered by run-case.ts. */
import type { AuditRecord } from '../../../src/audit/audit-log';
import type { RunDelta } from '../../../src/platform/types';
import type { CascadeStatus } from '../../../src/workflows/cascade-types';
import type { FakeRunInfo } from '../../support/fake-spacelift';
import type { DeltaKind, Step } from './model';
import type { CallRecord } from './recorder';

export type CascadeLabel = 'A' | 'B';

export interface CascadeObservation {
  label: CascadeLabel;
  workflowId: string;
  /** The root's stack ID. */
  root: string;
  started: boolean;
  /** How its result() settled: completed, cancelled (CancelledFailure), or failed with `error`. */
  end: 'completed' | 'cancelled' | 'failed' | 'not started';
  error?: string;
  /** The workflow result (completed cascades only). */
  result?: CascadeStatus;
  /** The cascadeStatus query once it had ended. */
  query?: CascadeStatus;
  /** Its lines of the audit log, in order. */
  audit: AuditRecord[];
  /** The seq just after its result() settled: it ended before this. */
  endedSeq: number;
}

/** What the driver did, on the same clock (`seq`) as the recorded calls. */
export type DriverEvent = { seq: number } & (
  | { kind: 'step'; at: number; step: Step; effect: string }
  | { kind: 'runCreated'; stackId: string; runId: string }
  | { kind: 'setRunState'; runId: string; state: string }
  | { kind: 'answer'; cascade: string; stackId: string; approved: boolean; by: string; delivered: boolean }
  | { kind: 'webhook'; runId: string; state: string; outcome: string }
  | { kind: 'cascadeStarted'; label: CascadeLabel }
);

export interface Observation {
  prefix: string;
  /** Stack name in the case (a, b, s1 …) → its stack ID. */
  ids: Record<string, string>;
  cascades: Record<CascadeLabel, CascadeObservation>;
  /** The case's runs as the fake holds them at the end, in the order they were triggered. */
  runs: FakeRunInfo[];
  calls: CallRecord[];
  events: DriverEvent[];
  /** Milliseconds (real time) the case took. */
  ms: number;
}

export function deltaOf(kind: DeltaKind): RunDelta | null {
  if (kind === 'none') return null;
  return { added: kind === 'changed' ? 1 : 0, changed: 0, deleted: 0 };
}

/** Every message along an error's cause chain. */
export function messages(err: unknown): string {
  const lines: string[] = [];
  for (let current: unknown = err; current instanceof Error; current = current.cause) lines.push(current.message);
  return lines.join(' / ') || String(err);
}
