/**
 * What one case of the fault-schedule suite is: a cascade graph with every stack's run outcome, and a schedule of
 * faults and interventions. Plain data, so fast-check can draw, shrink and print it, and a case replays from it.
 */

/** A Spacelift outage: the next `length` requests (whatever their operation) fail this way. */
export type OutageKind = 'http500' | 'http429' | 'timeout' | 'reset';

/** The run's resource counts: one added, all zero, or none reported (null). */
export type DeltaKind = 'changed' | 'unchanged' | 'none';

export interface RunOutcome {
  state: 'FINISHED' | 'FAILED';
  delta: DeltaKind;
  /** getRun answers that still find the run QUEUED before this outcome applies. */
  afterPolls: number;
}

/** `dependsOn:<parent>` with the label's conditions: `|state:` (FINISHED when absent) and `|when:changed`. */
export interface EdgeSpec {
  parent: string;
  states: ('FINISHED' | 'FAILED')[];
  changed: boolean;
}

/** What whoever is asked answers when the cascade notifies `approval_needed`: nothing means it times out. */
export type ApprovalAnswer = 'approve' | 'reject' | 'silent';

export interface StackSpec {
  /** s1, s2 …: parents come from the roots and the stacks before it, so the graph has no cycle. */
  name: string;
  parents: EdgeSpec[];
  /** Set: the stack carries `cascade:approval`, and this is the answer to the notification. */
  approval?: ApprovalAnswer;
  outcome: RunOutcome;
}

/** Roots `a` (cascade A) and `b` (cascade B, when the case starts it): the runs that finished and start them. */
export interface RootRun {
  state: 'FINISHED' | 'FAILED';
  delta: DeltaKind;
}

export interface CaseGraph {
  a: RootRun;
  b: RootRun;
  stacks: StackSpec[];
}

export type WebhookMode =
  /** The run leaves QUEUED (PLANNING) in Spacelift and its webhook says so: it can no longer be joined or cancelled. */
  | 'start'
  /** The run reaches its outcome in Spacelift and its webhook says so. */
  | 'finish'
  /** The run's current state is delivered again. */
  | 'duplicate'
  /** An earlier state of the run (QUEUED) is delivered after later ones. */
  | 'reorder'
  /** The run's current state is delivered only after everything else in the case, when its monitor has ended. */
  | 'late';

export type Step =
  | { kind: 'outage'; fault: OutageKind; length: number }
  /** The next runTrigger creates its run but its answer is lost (HTTP 500): the retry must adopt the run. */
  | { kind: 'lostAnswer' }
  /**
   * The call this step is anchored on gets its answer `ms` (real time) late. Its activity holds test time at the
   * wall clock's pace meanwhile, so other workflows move on: polls, webhooks and runs ending while a read is out.
   */
  | { kind: 'slowAnswer'; ms: number }
  | { kind: 'cancel'; cascade: 'A' | 'B' }
  /** An approval or rejection sent at this moment, whether or not the stack waits for one yet. */
  | { kind: 'approve' | 'reject'; cascade: 'A' | 'B'; stack: string }
  /** The worker (both task queues) is shut down and a new one started on the same task queues. */
  | { kind: 'restart' }
  /** A run-state webhook for the `run`-th run triggered so far (modulo their number), routed as the listener does. */
  | { kind: 'webhook'; run: number; mode: WebhookMode };

/** A step happens just before the `at`-th Spacelift call of the case (counting from 0), while that call's activity runs. */
export interface TimedStep {
  at: number;
  step: Step;
}

export interface FaultCase {
  graph: CaseGraph;
  /** Cascade B, from root `b`, starts before the `at`-th call (or once A has ended, if the case has fewer calls). */
  second?: { at: number };
  /** CASCADE_MAX_IN_FLIGHT of both cascades. */
  maxInFlight: number;
  schedule: TimedStep[];
}
