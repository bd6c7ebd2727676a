import { type Contact, TagContactCommand } from '@aws-sdk/client-connect';
import type { FailureOutcome } from '../connect/outcome.js';
import { endedBySomeoneElse } from '../connect/stop-contact.js';
import type { CallbackEvent } from '../registry/events.js';
import { isQueuedCallbackMethod } from '../registry/events.js';
import type { CallbackRegistry, EndedBy, QueuedCallback } from '../registry/registry.js';
import { describeCallback, isNotFound } from './describe.js';
import {
  type LastLook,
  lastLookThenStop,
  type PositionCheck,
  type SweepConnect,
} from './last-look.js';
import { type Assessment, type EndReason, type QueueLists, tagsFit } from './policy.js';
import type { ReportBuilder, Subject, TagResult } from './report.js';

/** The registry calls a sweep makes; tests may pass a fake. */
export type SweepRegistry = Pick<
  CallbackRegistry,
  | 'record'
  | 'requeue'
  | 'queuedBefore'
  | 'recordStopIntent'
  | 'recordStopAttempt'
  | 'clearStopIntent'
  | 'recordSweeperEnd'
  | 'tracksQueued'
  | 'lookBackoff'
  | 'recordLookSkip'
  | 'clearLookBackoff'
>;

/** What ending one callback needs from its run. */
export interface EndContext {
  clients: SweepConnect;
  registry: SweepRegistry;
  report: ReportBuilder;
  position: PositionCheck;
  runId: string;
  now: () => number;
  /** Registry writes happen in mode `end` only. */
  writes: boolean;
  tagEndedContacts: boolean;
  /** Who asked for the run (an operator), recorded with the intent and the end. */
  requestedBy?: string;
  abortSignal?: AbortSignal;
}

/** The two tags of an ended callback; a contact holds at most 6 user tags (adminguide/granular-billing). */
const auditTagCount = 2;

/**
 * Ends one callback the run decided to end: the intent goes to the registry first; then the last
 * look and the stop (see lastLookThenStop); then the confirmed result; then, best effort, the tag.
 * A failed intent write means no stop: a contact the sweeper ends always has an audit record.
 */
export async function endCallback(
  ctx: EndContext,
  callback: QueuedCallback,
  subject: Subject,
  target: QueueLists & { reason: EndReason; cutoffMs: number; keeperContactId?: string },
): Promise<void> {
  if (target.keeperContactId) {
    const keeper = await keeperStillThere(ctx, subject, target.keeperContactId);
    if (keeper === 'keeper-gone') return ctx.report.skip(subject, keeper);
    if (keeper !== 'there') return ctx.report.fail(subject, keeper, 'DescribeContact');
  }
  const audit = { ...requested(ctx), runId: ctx.runId, reason: target.reason, atMs: ctx.now() };
  try {
    const intent = await ctx.registry.recordStopIntent(callback, audit);
    if (intent === 'superseded') return ctx.report.skip(subject, 'registry-changed');
  } catch {
    ctx.report.counts.registryErrors++;
    return ctx.report.fail(subject, registryFailure, 'registry');
  }
  const look = await lastLookThenStop(
    ctx.clients,
    { ...target, instanceId: subject.instanceId, contactId: subject.contactId },
    ctx.position,
    ctx.abortSignal,
    ctx.now,
  );
  return settleLook(ctx, callback, subject, target.reason, look);
}

/**
 * A duplicate is ended only while the customer still has the older callback: it must still be a
 * callback, not disconnected (queued, or already with an agent, both serve the customer).
 */
async function keeperStillThere(
  ctx: EndContext,
  subject: Subject,
  keeperContactId: string,
): Promise<'there' | 'keeper-gone' | FailureOutcome> {
  const described = await describeCallback(
    ctx.clients.connect,
    { instanceId: subject.instanceId, contactId: keeperContactId },
    ctx.abortSignal,
  );
  if ('outcome' in described) {
    return isNotFound(described.outcome) ? 'keeper-gone' : described.outcome;
  }
  const { contact } = described;
  const there = !contact.DisconnectTimestamp && isQueuedCallbackMethod(contact.InitiationMethod);
  return there ? 'there' : 'keeper-gone';
}

const registryFailure: FailureOutcome = {
  kind: 'failed',
  code: 'RegistryError',
  message: 'the stop intent could not be written',
};

async function settleLook(
  ctx: EndContext,
  callback: QueuedCallback,
  subject: Subject,
  reason: EndReason,
  look: LastLook,
): Promise<void> {
  switch (look.kind) {
    case 'stopped':
      return recordOurEnd(ctx, callback, subject, reason, look.contact, ctx.now());
    case 'stop-failed':
      // One attempt only: 410 means the contact ended between the look and the stop.
      if (look.outcome.kind === 'contact-not-active') {
        ctx.report.alreadyGone(subject, 'not-active');
        return observedEnd(ctx, subject, ctx.now(), 'not-active');
      }
      if (look.unsettled) return settleStop(ctx, callback, subject, reason, look);
      return ctx.report.fail(subject, look.outcome, 'StopContact');
    case 'no-longer-eligible':
      return applyLeftQueue(ctx, subject, look.assessment);
    case 'not-in-queue':
      return ctx.report.skip(subject, 'not-in-queue');
    case 'look-failed':
      if (look.operation === 'DescribeContact' && isNotFound(look.outcome)) {
        return ctx.report.skip(subject, 'not-found');
      }
      return ctx.report.fail(subject, look.outcome, look.operation);
  }
}

/** The audit of a stop that ended the callback: the registry's end, then, best effort, the tag. */
async function recordOurEnd(
  ctx: EndContext,
  callback: QueuedCallback,
  subject: Subject,
  reason: EndReason,
  contact: Contact,
  atMs: number,
): Promise<void> {
  await guardWrite(ctx, () =>
    ctx.registry.recordSweeperEnd(callback, { ...requested(ctx), runId: ctx.runId, reason, atMs }),
  );
  const tag = await tagEnded(ctx, subject, contact, reason);
  return ctx.report.ended(subject, reason, tag);
}

/**
 * A stop that may have been applied (its answer lost, a 5xx, a time-out, an abort in flight) is
 * settled by a look afterwards, and the report, the registry and the tag follow what it shows:
 * disconnected once the stop was sent, ended by us; disconnected before, ended by someone else;
 * still there, not ended. Without an answer the attempt is recorded, and the next run settles it
 * from the intent (settleEarlierIntent).
 */
async function settleStop(
  ctx: EndContext,
  callback: QueuedCallback,
  subject: Subject,
  reason: EndReason,
  look: Extract<LastLook, { kind: 'stop-failed' }>,
): Promise<void> {
  const described = await describeCallback(ctx.clients.connect, subject, ctx.abortSignal);
  const disconnectedAt = 'contact' in described ? described.contact.DisconnectTimestamp : undefined;
  if ('contact' in described && disconnectedAt) {
    const atMs = disconnectedAt.getTime();
    if (atMs >= look.sentAtMs) {
      return recordOurEnd(ctx, callback, subject, reason, described.contact, atMs);
    }
    ctx.report.alreadyGone(subject, 'disconnected');
    return observedEnd(ctx, subject, atMs, 'disconnected');
  }
  // Still there: this stop did not end it, so no attempt is recorded that a later end by someone
  // else could be credited to. No answer: the attempt is recorded for the next run to settle.
  if (ctx.writes && !('contact' in described)) {
    await guardWrite(ctx, () =>
      ctx.registry.recordStopAttempt(callback, { runId: ctx.runId, atMs: look.sentAtMs }),
    );
  }
  // Still there, or no answer: nothing is claimed, and the next run looks again.
  return ctx.report.fail(subject, look.outcome, 'StopContact (unsettled)');
}

/**
 * How long after a stop attempt began its effect can show as a disconnect: the longest a Connect
 * call may take (the client's request time-out is seconds) with a wide margin.
 */
const attemptSettleWindowMs = 60_000;

/**
 * Settles an earlier run's intent still on a callback (that run's end write failed, or it never
 * finished), from this run's DescribeContact. Disconnected after the intent, with evidence the stop
 * was sent (the attempt it recorded, or the EndedBy tag only an end of ours gets): the end is
 * recorded as ours, for that run, and `'settled'` returned. Still there: the intent is cleared
 * first (the returned step), and the callback is decided like any other. Anything else is decided
 * like any other too: an end someone else made is recorded as observed.
 */
export function settleEarlierIntent(
  ctx: EndContext,
  callback: QueuedCallback,
  subject: Subject,
  contact: Contact,
): { kind: 'settled' | 'cleared'; act: () => Promise<void> } | undefined {
  const intent = callback.stopIntent;
  if (!ctx.writes || !intent || intent.runId === ctx.runId) return undefined;
  const disconnectedAtMs = contact.DisconnectTimestamp?.getTime();
  if (disconnectedAtMs === undefined) {
    const act = () => guardWrite(ctx, () => ctx.registry.clearStopIntent(callback, intent.runId));
    return { kind: 'cleared', act };
  }
  // Evidence the stop was sent and ended it: the EndedBy tag only an end of ours gets, or a recorded
  // attempt the disconnect followed within one attempt's time, with no agent on the contact and no
  // disconnect reason that names someone else. Anything less is recorded as observed.
  const tagged = contact.Tags?.EndedBy === 'callback-sweeper';
  const attemptAtMs = callback.stopAttemptAtMs;
  const followedAttempt =
    attemptAtMs !== undefined &&
    disconnectedAtMs >= attemptAtMs &&
    disconnectedAtMs <= attemptAtMs + attemptSettleWindowMs &&
    !contact.AgentInfo?.Id &&
    !endedBySomeoneElse(contact.DisconnectReason);
  if (disconnectedAtMs < intent.atMs || !(tagged || followedAttempt)) return undefined;
  ctx.report.alreadyGone(subject, 'ended-by-sweeper');
  const act = () =>
    guardWrite(ctx, () =>
      ctx.registry.recordSweeperEnd(callback, { ...intent, atMs: disconnectedAtMs }),
    );
  return { kind: 'settled', act };
}

/**
 * Decides a callback Connect says no longer qualifies, and records what is known for certain.
 * Offered, accepting and dialling callbacks stay tracked: a failed dial may put them back in the
 * queue (adminguide/failed-callback-attempt), and a lost QUEUED event would then lose them.
 */
export async function applyLeftQueue(
  ctx: EndContext,
  subject: Subject,
  assessment: Assessment,
): Promise<void> {
  switch (assessment.verdict) {
    case 'disconnected':
      ctx.report.alreadyGone(subject, 'disconnected');
      return observedEnd(ctx, subject, assessment.atMs, 'disconnected');
    case 'not-callback':
      ctx.report.skip(subject, 'not-callback');
      return observedEnd(ctx, subject, ctx.now(), 'not-callback');
    case 'with-agent':
      ctx.report.skip(subject, assessment.reason);
      if (assessment.reason !== 'connected-to-agent') return;
      return write(ctx, {
        kind: 'connected',
        ...ids(subject),
        eventAtMs: assessment.atMs ?? ctx.now(),
      });
    case 'not-queued':
      return ctx.report.skip(subject, 'not-queued');
    case 'out-of-scope':
      return ctx.report.skip(subject, assessment.reason);
    case 'recent':
      return ctx.report.skip(subject, 'queued-recently');
    case 'stuck':
      // Only reached when a caller asks about a stuck callback here; nothing to record.
      return ctx.report.skip(subject, 'queued-recently');
  }
}

/** Best effort, after a successful stop only; a contact with no room for two more tags is skipped. */
async function tagEnded(
  ctx: EndContext,
  subject: Subject,
  contact: Contact,
  reason: EndReason,
): Promise<TagResult> {
  if (!ctx.tagEndedContacts) return 'off';
  if (!tagsFit(contact.Tags, auditTagCount)) return 'untagged-limit';
  try {
    await ctx.clients.connect.send(
      new TagContactCommand({
        InstanceId: subject.instanceId,
        ContactId: subject.contactId,
        Tags: { EndedBy: 'callback-sweeper', EndReason: reason },
      }),
      { abortSignal: ctx.abortSignal },
    );
    return 'tagged';
  } catch {
    return 'tag-failed';
  }
}

function observedEnd(
  ctx: EndContext,
  subject: Subject,
  atMs: number,
  reason: string,
): Promise<void> {
  const ended: EndedBy = { endedBy: 'sweeper-observation', reason };
  return write(ctx, { kind: 'ended', ...ids(subject), eventAtMs: atMs }, ended);
}

function write(ctx: EndContext, event: CallbackEvent, ended?: EndedBy): Promise<void> {
  if (!ctx.writes) return Promise.resolve();
  return guardWrite(ctx, () => ctx.registry.record(event, ended));
}

/** A failed registry write is counted, never thrown: the next run finds the entry and settles it. */
async function guardWrite(ctx: EndContext, writeOnce: () => Promise<unknown>): Promise<void> {
  try {
    await writeOnce();
  } catch {
    ctx.report.counts.registryErrors++;
  }
}

function requested(ctx: EndContext) {
  return ctx.requestedBy ? { requestedBy: ctx.requestedBy } : {};
}

function ids(subject: Subject) {
  return { contactId: subject.contactId, instanceId: subject.instanceId };
}
