import { describe, expect, it } from 'vitest';
import type { StoredItem } from '../../../lambdas/core/registry/registry.js';
import { toAuditRecord } from '../../../operator/core/audit.js';

const t0 = Date.parse('2026-12-01T10:00:00.000Z');
const base: StoredItem = {
  contactId: 'c-1',
  instanceId: 'i-1',
  queueId: 'q-1',
  state: 'QUEUED',
  lastEventAt: t0,
  lastEventRank: 1,
  expiresAt: 0,
  auditInstanceId: 'i-1',
};
const intent = {
  stopIntentRunId: 'run-1',
  stopIntentReason: 'selected',
  stopIntentAt: t0 + 1_000,
  auditAt: t0 + 1_000,
};

describe('toAuditRecord', () => {
  it('reads an intent with no end as a stop intent, with who asked', () => {
    expect(toAuditRecord({ ...base, ...intent, requestedBy: 'local operator' })).toEqual({
      contactId: 'c-1',
      instanceId: 'i-1',
      queueId: 'q-1',
      kind: 'stop-intent',
      runId: 'run-1',
      reason: 'selected',
      requestedBy: 'local operator',
      at: '2026-12-01T10:00:01.000Z',
    });
  });

  it("reads the sweeper's confirmed stop as ended, at the stop's time", () => {
    const ended = {
      ...base,
      ...intent,
      state: 'ENDED' as const,
      endedBy: 'callback-sweeper',
      endReason: 'selected',
      stoppedRunId: 'run-1',
      stoppedAt: t0 + 2_000,
      auditAt: t0 + 2_000,
    };

    expect(toAuditRecord(ended)).toMatchObject({ kind: 'ended', at: '2026-12-01T10:00:02.000Z' });
  });

  it('reads an end the sweeper only observed as observed-gone, even after an intent', () => {
    const observed = {
      ...base,
      ...intent,
      state: 'ENDED' as const,
      endedBy: 'sweeper-observation',
      endReason: 'disconnected',
      auditAt: t0 + 3_000,
    };

    expect(toAuditRecord(observed)).toMatchObject({
      kind: 'observed-gone',
      reason: 'disconnected',
      at: '2026-12-01T10:00:03.000Z',
    });
  });
});
