import type { StoredItem } from '../../lambdas/core/registry/registry.js';
import type { AuditRecord } from './api.js';

/**
 * One registry entry from the audit index as an audit record: the latest thing the sweeper did
 * to it. `auditAt` says which: its confirmed end, an end it observed, or an intent alone.
 */
export function toAuditRecord(item: StoredItem): AuditRecord {
  const common = {
    contactId: item.contactId,
    instanceId: item.auditInstanceId ?? item.instanceId,
    ...(item.queueId ? { queueId: item.queueId } : {}),
    ...(item.requestedBy ? { requestedBy: item.requestedBy } : {}),
  };
  const at = (ms: number | undefined) => new Date(ms ?? item.auditAt ?? 0).toISOString();
  if (item.endedBy === 'callback-sweeper') {
    return {
      ...common,
      kind: 'ended',
      ...(item.stoppedRunId ? { runId: item.stoppedRunId } : {}),
      ...(item.endReason ? { reason: item.endReason } : {}),
      at: at(item.stoppedAt),
    };
  }
  if (item.endedBy === 'sweeper-observation' && item.auditAt !== item.stopIntentAt) {
    return { ...common, kind: 'observed-gone', ...reason(item.endReason), at: at(item.auditAt) };
  }
  return {
    ...common,
    kind: 'stop-intent',
    ...(item.stopIntentRunId ? { runId: item.stopIntentRunId } : {}),
    ...reason(item.stopIntentReason),
    at: at(item.stopIntentAt),
  };
}

function reason(value: string | undefined) {
  return value ? { reason: value } : {};
}
