import type { Outcome } from '../../lambdas/core/connect/outcome.js';
import { formatAge } from '../../lambdas/core/duration.js';
import type { SweepDecision, SweepReport } from '../../lambdas/core/sweeper/report.js';
import type { AuditRecord, QueueOverview, TrackedCallback } from '../core/api.js';

/** Columns padded to their widest cell; an empty table says so. */
export function table(headers: string[], rows: string[][], empty = '(none)'): string {
  if (rows.length === 0) return empty;
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

const age = (ms: number | undefined) => (ms === undefined ? '-' : formatAge(ms));

/** Each instance's alias (or its ID) and each queue's name (or its ID), as the tables print them. */
const instanceLabel = (q: { instanceId: string; instanceAlias?: string }) =>
  q.instanceAlias ?? q.instanceId;
const queueLabel = (q: { queueId?: string; queueName?: string }) => q.queueName ?? q.queueId ?? '-';

function queueStatus(q: QueueOverview): string {
  if (q.metricsError) return `metrics unavailable: ${q.metricsError}`;
  return q.unexplained ? 'UNEXPLAINED' : 'ok';
}

export function queuesTable(queues: QueueOverview[]): string {
  const rows = queues.map((q) => [
    instanceLabel(q),
    queueLabel(q),
    q.queueId,
    String(q.trackedCallbacks),
    age(q.oldestTrackedAgeMs),
    q.contactsInQueue === undefined ? '-' : String(q.contactsInQueue),
    age(q.oldestContactAgeMs),
    queueStatus(q),
  ]);
  const text = table(
    [
      'INSTANCE',
      'QUEUE',
      'QUEUE ID',
      'TRACKED',
      'OLDEST TRACKED',
      'IN QUEUE',
      'OLDEST IN QUEUE',
      'STATUS',
    ],
    rows,
    'No queue has a tracked callback, and none is configured for reconciliation.',
  );
  const flagged = queues.filter((q) => q.unexplained).length;
  return flagged === 0
    ? text
    : `${text}\n\nUNEXPLAINED: Connect's oldest voice contact is older than the sweeper's maxQueuedAge and than any tracked callback (${flagged} queue${flagged === 1 ? '' : 's'}): contact events were lost, or the tracker started late (docs/sweeper.md#reconciliation).`;
}

export function callbacksTable(callbacks: TrackedCallback[]): string {
  return table(
    ['CONTACT', 'QUEUE', 'AGE', 'QUEUED AT'],
    callbacks.map((c) => [c.contactId, queueLabel(c), age(c.ageMs), c.queuedAt]),
    'No tracked callback matches.',
  );
}

export function auditTable(records: AuditRecord[]): string {
  return table(
    ['AT', 'KIND', 'CONTACT', 'REASON', 'REQUESTED BY'],
    records.map((r) => [r.at, r.kind, r.contactId, r.reason ?? '-', r.requestedBy ?? 'schedule']),
    'The audit trail is empty.',
  );
}

/** Queue names by instance and queue ID, as OperatorApi.names reads them. */
export type QueueNames = ReadonlyMap<string, ReadonlyMap<string, string>>;

export function decisionsTable(decisions: SweepDecision[], names: QueueNames = new Map()): string {
  return table(
    ['CONTACT', 'QUEUE', 'DECISION', 'REASON'],
    decisions.map((d) => [
      d.contactId,
      queueLabel({
        ...(d.queueId ? { queueId: d.queueId } : {}),
        ...(d.queueId && names.get(d.instanceId)?.has(d.queueId)
          ? { queueName: names.get(d.instanceId)?.get(d.queueId) }
          : {}),
      }),
      d.decision,
      d.reason,
    ]),
    'No callback was considered.',
  );
}

/** One line for a decision, as a progress line or the last thing a progress bar shows. */
export function decisionLine(d: SweepDecision): string {
  return `${d.decision} ${d.contactId} (${d.reason})`;
}

/** The counts that matter to an operator, in one line. */
export function reportSummary(report: SweepReport): string {
  const { counts } = report;
  const skipped = Object.entries(counts.skipped)
    .map(([reason, n]) => `${n} ${reason}`)
    .join(', ');
  const acted =
    report.mode === 'report' ? `${counts.wouldEnd} would be ended` : `${counts.ended} ended`;
  const parts = [
    `${counts.candidates} considered`,
    acted,
    `${counts.alreadyGone} already gone`,
    `skipped: ${skipped || 'none'}`,
    `${counts.failed} failed`,
    `${counts.throttled} throttled`,
  ];
  if (counts.registryErrors > 0) parts.push(`${counts.registryErrors} registry errors`);
  const early = report.stoppedEarly
    ? ` Stopped early: ${stoppedEarlyText[report.stoppedEarly]}.`
    : '';
  return `${parts.join(', ')}.${early}`;
}

const stoppedEarlyText = {
  'max-stops': "the sweeper's stop cap (maxStopsPerRun) was reached; run again for the rest",
  'time-budget': 'out of time',
  stopped: 'you stopped it; the call in flight finished',
} as const;

/** Whether a run did everything it set out to do (a cap or a skip is not a failure). */
export function reportSucceeded(report: SweepReport): boolean {
  const { counts } = report;
  return (
    counts.failed === 0 &&
    counts.throttled === 0 &&
    counts.registryErrors === 0 &&
    report.stoppedEarly !== 'stopped'
  );
}

export function outcomeLine(contactId: string, outcome: Outcome): string {
  if (outcome.kind === 'stopped') return `Ended contact ${contactId}.`;
  const reason = 'reason' in outcome && outcome.reason ? ` (${outcome.reason})` : '';
  return `Not ended: ${outcome.kind}: ${outcome.code}: ${outcome.message}${reason}`;
}
