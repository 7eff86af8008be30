/** A FaultCase and what it did, in a few lines a person can read when a case fails. */
import type { EdgeSpec, FaultCase, Step } from './model';
import type { Observation } from './observation';

export function describeCase(c: FaultCase): string {
  const edge = (e: EdgeSpec) =>
    `${e.parent}${e.states.join('+') === 'FINISHED' ? '' : `|state:${e.states.join('+')}`}${e.changed ? '|when:changed' : ''}`;
  const lines = [
    `roots: a ${c.graph.a.state} (${c.graph.a.delta}), b ${c.graph.b.state} (${c.graph.b.delta}); maxInFlight ${c.maxInFlight}`,
    ...c.graph.stacks.map(
      (s) =>
        `  ${s.name} dependsOn:${s.parents.map(edge).join(',')}${s.approval ? ` cascade:approval (approver: ${s.approval})` : ''} → ${s.outcome.state} (${s.outcome.delta}) after ${s.outcome.afterPolls} poll(s)`,
    ),
    c.second ? `cascade B starts before call ${c.second.at}` : 'no cascade B',
    ...c.schedule.map(({ at, step }) => `  @${at} ${describeStep(step)}`),
  ];
  return lines.join('\n');
}

export function describeStep(step: Step): string {
  switch (step.kind) {
    case 'outage':
      return `outage: ${step.length} request(s) fail with ${step.fault}`;
    case 'lostAnswer':
      return 'the next runTrigger creates its run, and its answer is lost (HTTP 500)';
    case 'slowAnswer':
      return `this call's answer comes ${step.ms} ms (real time) late`;
    case 'cancel':
      return `cancel cascade ${step.cascade}`;
    case 'approve':
    case 'reject':
      return `${step.kind} ${step.stack} in cascade ${step.cascade}`;
    case 'restart':
      return 'restart the worker';
    case 'webhook':
      return `webhook for run #${step.run} (modulo the runs so far): ${step.mode}`;
  }
}

/** What happened: the steps that ran, the runs, each cascade's end and stacks, and the Spacelift calls. */
export function describeObservation(o: Observation): string {
  const lines: string[] = [`prefix ${o.prefix}, ${o.ms} ms`];
  for (const e of o.events) {
    if (e.kind === 'step') lines.push(`  [${e.seq}] @${e.at} ${describeStep(e.step)}: ${e.effect}`);
    else if (e.kind === 'runCreated') lines.push(`  [${e.seq}] run ${e.runId} of ${e.stackId} created`);
    else if (e.kind === 'answer')
      lines.push(
        `  [${e.seq}] ${e.approved ? 'approve' : 'reject'} ${e.stackId} in ${e.cascade} by ${e.by}: ${e.delivered ? 'delivered' : 'not delivered'}`,
      );
    else if (e.kind === 'webhook') lines.push(`  [${e.seq}] webhook ${e.runId} ${e.state}: ${e.outcome}`);
    else if (e.kind === 'setRunState') lines.push(`  [${e.seq}] Spacelift moves ${e.runId} to ${e.state}`);
    else lines.push(`  [${e.seq}] cascade ${e.label} started`);
  }
  for (const cascade of Object.values(o.cascades)) {
    const status = cascade.result ?? cascade.query;
    lines.push(`cascade ${cascade.label} (${cascade.workflowId}): ${cascade.end}${cascade.error ? `: ${cascade.error}` : ''}`);
    for (const s of status?.stacks ?? []) {
      lines.push(
        `  ${s.id}: ${s.state}${s.reason ? ` (${s.reason})` : ''}${s.runId ? ` run ${s.runId} ${s.runState ?? ''}` : ''}${s.sharedFrom ? ` shared from ${s.sharedFrom}` : ''}`,
      );
    }
    for (const d of status?.decisions ?? [])
      lines.push(
        `    ${d.stackId} ${d.decision}${d.runId ? ` ${d.runId}` : ''}${d.by ? ` by ${d.by}` : ''}${d.reason ? `: ${d.reason}` : ''}`,
      );
  }
  lines.push('runs at the end:', ...o.runs.map((r) => `  ${r.id} of ${r.stackId}: ${r.state}`));
  lines.push('Spacelift calls:');
  for (const call of o.calls) {
    const what = [call.stackId, call.runId].filter(Boolean).join(' ');
    const answer = call.error ? `error: ${call.error}` : (call.state ?? 'ok');
    lines.push(`  [${call.seq}-${call.end}] ${call.method} ${what} by ${call.workflowId} ${call.activityType}#${call.attempt}: ${answer}`);
  }
  return lines.join('\n');
}
