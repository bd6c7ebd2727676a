import { GetCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackEvent } from '../../../../lambdas/core/registry/events.js';
import type {
  CallbackRegistry,
  QueuedCallback,
  QueueSet,
} from '../../../../lambdas/core/registry/registry.js';
import {
  maxQueuedLifetimeMs,
  tombstoneLifetimeMs,
} from '../../../../lambdas/core/registry/table.js';
import { type LocalDynamo, startDynalite } from '../../../support/dynalite.js';

const instanceId = 'c8c0e68d-2200-4265-82c0-5a3b1c2d3e4f';
const t0 = Date.parse('2026-11-20T09:00:00.000Z');
let tableCount = 0;

function queued(contactId: string, atMs: number, queueId = 'queue-a'): CallbackEvent {
  return { kind: 'queued', contactId, instanceId, queueId, enqueuedAtMs: atMs, eventAtMs: atMs };
}
function connected(contactId: string, atMs: number): CallbackEvent {
  return { kind: 'connected', contactId, instanceId, eventAtMs: atMs };
}
function ended(contactId: string, atMs: number): CallbackEvent {
  return { kind: 'ended', contactId, instanceId, eventAtMs: atMs };
}

async function allQueued(registry: CallbackRegistry, cutoffMs = Number.MAX_SAFE_INTEGER) {
  const found: QueuedCallback[] = [];
  for await (const page of registry.queuedBefore(instanceId, cutoffMs, { pageSize: 7 })) {
    found.push(...page);
  }
  return found;
}

describe('CallbackRegistry on dynalite', () => {
  let dynamo: LocalDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
  });
  afterAll(async () => {
    await dynamo.close();
  });

  async function freshRegistry() {
    tableCount++;
    return dynamo.freshRegistry(`callbacks-${tableCount}`);
  }

  async function item(registry: CallbackRegistry, contactId: string) {
    const { Item } = await dynamo.documentClient.send(
      new GetCommand({ TableName: registry.tableName, Key: { contactId } }),
    );
    return Item;
  }

  it('lists a QUEUED callback in the sweeper index with a TTL at most 14 days after enqueue', async () => {
    const registry = await freshRegistry();

    const result = await registry.record(queued('c-1', t0));

    expect(result).toBe('written');
    expect(await allQueued(registry)).toEqual([
      {
        contactId: 'c-1',
        instanceId,
        queueId: 'queue-a',
        queuedAtMs: t0,
        lastEventAtMs: t0,
        lastEventRank: 1,
      },
    ]);
    expect((await item(registry, 'c-1'))?.expiresAt).toBe(
      Math.floor((t0 + maxQueuedLifetimeMs) / 1000),
    );
  });

  it('tombstones an ended callback with a shorter TTL and takes it out of the index', async () => {
    const registry = await freshRegistry();
    await registry.record(queued('c-1', t0));

    await registry.record(ended('c-1', t0 + 60_000));

    expect(await allQueued(registry)).toEqual([]);
    expect(await item(registry, 'c-1')).toMatchObject({
      state: 'ENDED',
      endedBy: 'tracker',
      expiresAt: Math.floor((t0 + 60_000 + tombstoneLifetimeMs) / 1000),
    });
    expect(tombstoneLifetimeMs).toBeLessThan(maxQueuedLifetimeMs);
  });

  it('keeps a late QUEUED that arrives after DISCONNECTED from bringing the callback back', async () => {
    const registry = await freshRegistry();
    await registry.record(ended('c-1', t0 + 60_000));

    const result = await registry.record(queued('c-1', t0));
    const evenLater = await registry.record(queued('c-1', t0 + 120_000));

    expect([result, evenLater]).toEqual(['superseded', 'superseded']);
    expect(await allQueued(registry)).toEqual([]);
  });

  it('treats a duplicated event as a no-op', async () => {
    const registry = await freshRegistry();
    await registry.record(queued('c-1', t0));

    const duplicate = await registry.record(queued('c-1', t0));

    expect(duplicate).toBe('superseded');
    expect(await allQueued(registry)).toHaveLength(1);
  });

  it('ignores a QUEUED older than the CONNECTED_TO_AGENT already recorded', async () => {
    const registry = await freshRegistry();
    await registry.record(connected('c-1', t0 + 30_000));

    const stale = await registry.record(queued('c-1', t0));

    expect(stale).toBe('superseded');
    expect(await item(registry, 'c-1')).toMatchObject({ state: 'DEQUEUED' });
  });

  it('lists a callback again when it is queued again after an agent', async () => {
    const registry = await freshRegistry();
    await registry.record(queued('c-1', t0));
    await registry.record(connected('c-1', t0 + 30_000));

    await registry.record(queued('c-1', t0 + 90_000));

    expect(await allQueued(registry)).toMatchObject([
      { contactId: 'c-1', queuedAtMs: t0 + 90_000 },
    ]);
  });

  it('lets an end win over a connect with the same timestamp', async () => {
    const registry = await freshRegistry();
    await registry.record(ended('c-1', t0));

    expect(await registry.record(connected('c-1', t0))).toBe('superseded');
    expect(await item(registry, 'c-1')).toMatchObject({ state: 'ENDED' });
  });

  it('ends up in the same state whatever order the events of one callback arrive in', async () => {
    const events = [queued('c', t0), connected('c', t0 + 1_000), queued('c', t0 + 2_000)];
    const withEnd = [...events, ended('c', t0 + 3_000)];
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray(withEnd, { minLength: withEnd.length }),
        fc.boolean(),
        async (order, duplicate) => {
          const registry = await freshRegistry();
          for (const event of duplicate ? [...order, ...order] : order) {
            await registry.record(event);
          }
          expect((await item(registry, 'c'))?.state).toBe('ENDED');
          expect(await allQueued(registry)).toEqual([]);
        },
      ),
      { numRuns: 15 },
    );
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray(events, { minLength: events.length }), async (order) => {
        const registry = await freshRegistry();
        for (const event of order) await registry.record(event);
        expect(await allQueued(registry)).toMatchObject([{ queuedAtMs: t0 + 2_000 }]);
      }),
      { numRuns: 10 },
    );
  });

  it('reads queued callbacks before a cutoff, oldest first, page by page, with no Scan', async () => {
    const registry = await freshRegistry();
    const times = Array.from({ length: 30 }, (_, i) => t0 + ((i * 7919) % 30) * 1_000);
    for (const [i, at] of times.entries()) await registry.record(queued(`c-${i}`, at));
    await registry.record({ ...queued('other-instance', t0), instanceId: 'another-instance' });
    const before = dynamo.commandsSent().length;

    const pages: QueuedCallback[][] = [];
    for await (const page of registry.queuedBefore(instanceId, t0 + 20_000, { pageSize: 7 })) {
      pages.push(page);
    }

    const read = pages.flat().map((c) => c.queuedAtMs);
    expect(read).toEqual([...read].sort((a, b) => a - b));
    expect(read).toHaveLength(20);
    expect(read.every((at) => at < t0 + 20_000)).toBe(true);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages.every((page) => page.length <= 7)).toBe(true);
    const sent = dynamo.commandsSent().slice(before);
    expect(new Set(sent)).toEqual(new Set(['QueryCommand']));
  });

  it("reads one rule's share of the queues: those listed, or all but those, entries with no queue too", async () => {
    const registry = await freshRegistry();
    const many = Array.from({ length: 150 }, (_, i) => `queue-${i}`);
    await registry.record(queued('listed', t0, 'queue-120'));
    await registry.record(queued('unlisted', t0 + 1, 'queue-elsewhere'));
    await registry.record({
      kind: 'queued',
      contactId: 'no-queue',
      instanceId,
      enqueuedAtMs: t0 + 2,
      eventAtMs: t0 + 2,
    });
    const read = async (queues: QueueSet) => {
      const ids: string[] = [];
      for await (const page of registry.queuedBefore(instanceId, t0 + 10, {
        pageSize: 1,
        queues,
      })) {
        ids.push(...page.map((c) => c.contactId));
      }
      return ids;
    };

    expect(await read({ only: many })).toEqual(['listed']);
    expect(await read({ except: many })).toEqual(['unlisted', 'no-queue']);
    expect(await read({ except: [] })).toEqual(['listed', 'unlisted', 'no-queue']);
  });

  it('moves a queued entry to a newer enqueue time only if nobody wrote it since', async () => {
    const registry = await freshRegistry();
    await registry.record(queued('c-1', t0));
    const [seen] = await allQueued(registry);
    if (!seen) throw new Error('expected the queued callback');

    expect(await registry.requeue(seen, t0 + 5_000)).toBe('written');
    expect(await registry.requeue(seen, t0 + 9_000)).toBe('superseded');
    expect(await allQueued(registry)).toMatchObject([{ queuedAtMs: t0 + 5_000 }]);
  });

  it('records who ended a callback and why, keeps its queue, and nothing about the customer', async () => {
    const registry = await freshRegistry();
    await registry.record(queued('c-1', t0));

    await registry.record(ended('c-1', t0 + 1), {
      endedBy: 'sweeper-observation',
      reason: 'disconnected',
    });

    expect(Object.keys((await item(registry, 'c-1')) ?? {}).sort()).toEqual([
      'auditAt',
      'auditInstanceId',
      'contactId',
      'endReason',
      'endedBy',
      'expiresAt',
      'instanceId',
      'lastEventAt',
      'lastEventRank',
      'queueId',
      'state',
    ]);
  });

  describe("the sweeper's audit", () => {
    const audit = { runId: 'run-1', reason: 'queued-too-long', atMs: t0 + 9_000 };

    async function queuedEntry(registry: CallbackRegistry, contactId: string) {
      await registry.record(queued(contactId, t0));
      const entry = (await allQueued(registry)).find((e) => e.contactId === contactId);
      if (!entry) throw new Error('expected the queued callback');
      return entry;
    }

    it('writes a stop intent only on the entry the run read', async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');

      expect(await registry.recordStopIntent(entry, audit)).toBe('written');
      await registry.record(connected('c-1', t0 + 1_000));

      expect(await registry.recordStopIntent(entry, audit)).toBe('superseded');
      expect(await item(registry, 'c-1')).toMatchObject({
        state: 'DEQUEUED',
        stopIntentRunId: 'run-1',
        stopIntentReason: 'queued-too-long',
        stopIntentAt: t0 + 9_000,
      });
    });

    it('keeps an entry with an intent past the stop that may follow, and never shortens its TTL', async () => {
      const registry = await freshRegistry();
      const early = await queuedEntry(registry, 'c-early');
      const late = await queuedEntry(registry, 'c-late');
      const day = 24 * 3_600_000;

      await registry.recordStopIntent(early, { ...audit, atMs: t0 + day });
      await registry.recordStopIntent(late, { ...audit, atMs: t0 + 13 * day });

      expect((await item(registry, 'c-early'))?.expiresAt).toBe(
        Math.floor((t0 + maxQueuedLifetimeMs) / 1000),
      );
      expect((await item(registry, 'c-late'))?.expiresAt).toBe(
        Math.floor((t0 + 13 * day + tombstoneLifetimeMs) / 1000),
      );
    });

    it('keeps the intent when an event ends the entry, so an end by the sweeper is never unrecorded', async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');
      await registry.recordStopIntent(entry, audit);

      await registry.record(ended('c-1', t0 + 10_000));

      expect(await item(registry, 'c-1')).toMatchObject({
        state: 'ENDED',
        endedBy: 'tracker',
        stopIntentRunId: 'run-1',
      });
    });

    it("claims an end for the sweeper only with recordSweeperEnd, over the tracker's end of the same stop", async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');
      await registry.recordStopIntent(entry, audit);
      await registry.record(ended('c-1', t0 + 10_000));

      expect(await registry.recordSweeperEnd(entry, audit)).toBe('written');
      expect(await registry.recordSweeperEnd(entry, audit)).toBe('superseded');
      expect(await item(registry, 'c-1')).toMatchObject({
        state: 'ENDED',
        endedBy: 'callback-sweeper',
        endReason: 'queued-too-long',
        stoppedRunId: 'run-1',
        stoppedAt: t0 + 9_000,
      });
      expect(await allQueued(registry)).toEqual([]);
    });

    it('records a back-off only on the entry the run read, with the skips it read, and never in the index', async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');
      const first = { skips: 1, nextLookAtMs: t0 + 1_000 };

      expect(await registry.recordLookSkip(entry, undefined, first)).toBe('written');
      expect(await registry.recordLookSkip(entry, undefined, first)).toBe('superseded');
      expect(await registry.lookBackoff('c-1')).toEqual(first);
      expect(
        await registry.recordLookSkip(entry, first, { skips: 2, nextLookAtMs: t0 + 2_000 }),
      ).toBe('written');
      expect(await registry.lookBackoff('c-1')).toEqual({ skips: 2, nextLookAtMs: t0 + 2_000 });
      expect(await allQueued(registry)).toEqual([entry]);

      await registry.record(queued('c-1', t0 + 5_000));
      expect(await registry.recordLookSkip(entry, undefined, first)).toBe('superseded');
      expect(await registry.lookBackoff('c-1')).toBeUndefined();
    });

    it('resets the back-off when the callback is re-queued or a look clears it', async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');
      await registry.recordLookSkip(entry, undefined, { skips: 1, nextLookAtMs: t0 });
      expect(await registry.clearLookBackoff(entry)).toBe('written');
      expect(await registry.lookBackoff('c-1')).toBeUndefined();
      expect(await registry.clearLookBackoff(entry)).toBe('superseded');

      await registry.recordLookSkip(entry, undefined, { skips: 1, nextLookAtMs: t0 });
      expect(await registry.requeue(entry, t0 + 1_000)).toBe('written');
      expect(await registry.lookBackoff('c-1')).toBeUndefined();
    });

    it("records an operator's identity with the intent and the end, and drops it for the schedule's next intent", async () => {
      const registry = await freshRegistry();
      const entry = await queuedEntry(registry, 'c-1');
      const requestedBy = 'arn:aws:sts::123456789012:assumed-role/Ops/alice';
      await registry.recordStopIntent(entry, { ...audit, requestedBy });
      expect(await item(registry, 'c-1')).toMatchObject({ requestedBy, auditAt: audit.atMs });

      await registry.recordStopIntent(entry, { ...audit, atMs: audit.atMs + 1 });
      expect(await item(registry, 'c-1')).not.toHaveProperty('requestedBy');

      await registry.recordSweeperEnd(entry, { ...audit, atMs: audit.atMs + 2, requestedBy });
      expect(await item(registry, 'c-1')).toMatchObject({
        endedBy: 'callback-sweeper',
        requestedBy,
        auditInstanceId: entry.instanceId,
        auditAt: audit.atMs + 2,
      });
    });

    it('tells report mode whether a search result is already tracked', async () => {
      const registry = await freshRegistry();
      await registry.record(queued('c-1', t0));

      expect(await registry.tracksQueued('c-1', t0)).toBe(true);
      expect(await registry.tracksQueued('c-1', t0 + 1)).toBe(false);
      expect(await registry.tracksQueued('c-2', t0)).toBe(false);
    });
  });
});
