import {
  type ConnectClient,
  type Contact,
  DescribeContactCommand,
  GetContactMetricsCommand,
  TagContactCommand,
} from '@aws-sdk/client-connect';
import { outcomeFromError } from '../connect/errors.js';
import type { FailureOutcome } from '../connect/outcome.js';
import { endedBySomeoneElse, stopContact } from '../connect/stop-contact.js';
import type { CallbackEvent } from '../registry/events.js';
import type { EndedBy, QueuedCallback } from '../registry/registry.js';
import {
  assessCallback,
  type EndTarget,
  keeperServes,
  positionInQueue,
  stillQualifies,
} from './decide.js';
import type {
  Assessment,
  EndReason,
  QueueLists,
  Subject,
  SweepConnect,
  SweepRegistry,
  TagResult,
} from './model.js';
import type { ReportBuilder } from './report.js';

/**
 * The end of one callback the run decided to end (decide.ts), in the order it happens: the
 * keeper of a duplicate, the intent, the last look, the stop, the settling of a stop that may have
 * been applied, and the tag. Also how a run records what a look showed about a callback that is
 * no longer waiting, and settles an earlier run's intent.
 */

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
  target: EndTarget,
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

/** Whether the customer still has a duplicate's older callback (decide.ts, keeperServes). */
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
  return keeperServes(described.contact) ? 'there' : 'keeper-gone';
}

const registryFailure: FailureOutcome = {
  kind: 'failed',
  code: 'RegistryError',
  message: 'the stop intent could not be written',
};

// ---- The last look and the stop ----

/** What the look right before a stop found, and what the stop did. */
export type LastLook =
  | { kind: 'stopped'; contact: Contact }
  /**
   * StopContact answered an error; `contact` is what the last look saw. `unsettled`: the stop may
   * have been applied (FailureOutcome.mayHaveApplied, or the run aborted it in flight), sent at
   * `sentAtMs`; only a look afterwards tells (settleStop).
   */
  | {
      kind: 'stop-failed';
      outcome: FailureOutcome;
      contact: Contact;
      unsettled: boolean;
      sentAtMs: number;
    }
  | { kind: 'no-longer-eligible'; assessment: Assessment; contact: Contact }
  | { kind: 'not-in-queue' }
  | {
      kind: 'look-failed';
      outcome: FailureOutcome;
      operation: 'DescribeContact' | 'GetContactMetrics' | 'StopContact';
    };

/** Whether the run can use GetContactMetrics; once refused, it falls back to DescribeContact alone. */
export class PositionCheck {
  #fallback: string | undefined;

  get available(): boolean {
    return this.#fallback === undefined;
  }

  get fallback(): string | undefined {
    return this.#fallback;
  }

  refuse(reason: string): void {
    this.#fallback ??= reason;
  }
}

export interface LastLookTarget extends QueueLists {
  instanceId: string;
  contactId: string;
  reason: EndReason;
  cutoffMs: number;
}

/** Connect answers that mean GetContactMetrics cannot be used here at all, not that it failed. */
const unavailable = new Set(['AccessDeniedException', 'UnknownOperationException']);

/**
 * The sequence that keeps the sweeper's promise. Connect has no conditional StopContact, so the
 * last look sits as close to the stop as the protocol allows:
 * 1. wait for StopContact's turn first (StopPacer: one look-and-stop at a time, the rate counted
 *    at each stop's send time), so no limiter wait follows the look;
 * 2. GetContactMetrics: a POSITION_IN_QUEUE exists only while the contact is actively in queue;
 * 3. DescribeContact, last, because it also shows an agent offered, accepting, dialling or on;
 * 4. if both still say "waiting in its queue", StopContact at once: nothing is awaited between
 *    DescribeContact's answer and the stop (no tag, no registry write, no other limiter).
 * Never throws: every result is a LastLook.
 */
export async function lastLookThenStop(
  clients: SweepConnect,
  target: LastLookTarget,
  position: PositionCheck,
  abortSignal?: AbortSignal,
  /** Epoch ms, on the clock the registry's times use: when the stop was sent. */
  now: () => number = Date.now,
): Promise<LastLook> {
  let sentAtMs = Number.NaN;
  const sent = () => {
    sentAtMs = now();
  };
  const stopped = (look: LastLook): LastLook =>
    look.kind === 'stop-failed' ? { ...look, sentAtMs } : look;
  try {
    if (clients.stopPacer) {
      const pacer = clients.stopPacer;
      return stopped(
        await pacer.turn(
          (paced) =>
            lookThenStop(
              clients,
              target,
              position,
              () => {
                paced();
                sent();
              },
              abortSignal,
            ),
          abortSignal,
        ),
      );
    }
    await clients.acquire?.('StopContact');
  } catch (error) {
    return {
      kind: 'look-failed',
      outcome: outcomeFromError(error, 'contact'),
      operation: 'StopContact',
    };
  }
  return stopped(await lookThenStop(clients, target, position, sent, abortSignal));
}

/** Steps 2 to 4 of lastLookThenStop; `sent()` marks the stop's send time for StopContact's rate. */
async function lookThenStop(
  clients: SweepConnect,
  target: LastLookTarget,
  position: PositionCheck,
  sent: () => void,
  abortSignal: AbortSignal | undefined,
): Promise<LastLook> {
  const ids = { InstanceId: target.instanceId, ContactId: target.contactId };
  const look = clients.lookClient ?? clients.connect;
  const call = { abortSignal };
  let inQueue = true;
  if (position.available) {
    try {
      const metrics = await look.send(
        new GetContactMetricsCommand({ ...ids, Metrics: [{ Name: 'POSITION_IN_QUEUE' }] }),
        call,
      );
      inQueue = positionInQueue(metrics.MetricResults) !== undefined;
    } catch (error) {
      const name = (error as { name?: unknown })?.name;
      if (typeof name === 'string' && unavailable.has(name)) {
        position.refuse(`GetContactMetrics: ${name}`);
      } else {
        const outcome = outcomeFromError(error, 'contact');
        return { kind: 'look-failed', outcome, operation: 'GetContactMetrics' };
      }
    }
  }
  const described = await describeCallback(look, target, abortSignal);
  if ('outcome' in described) {
    return { kind: 'look-failed', outcome: described.outcome, operation: 'DescribeContact' };
  }
  const { contact } = described;
  const assessment = assessCallback(contact, target);
  // DescribeContact says where it went, when it says; otherwise the missing position decides.
  if (!stillQualifies(assessment, target.reason)) {
    return { kind: 'no-longer-eligible', assessment, contact };
  }
  if (!inQueue) return { kind: 'not-in-queue' };
  // The last look said "waiting in its queue": the stop goes out now, with nothing awaited before.
  sent();
  const outcome = await stopContact(
    clients.stopClient,
    { instanceId: target.instanceId, contactId: target.contactId },
    call,
  );
  if (outcome.kind === 'stopped') return { kind: 'stopped', contact };
  // An abort while the request is in flight may come after Connect applied it.
  const unsettled = outcome.mayHaveApplied === true || abortSignal?.aborted === true;
  return { kind: 'stop-failed', outcome, contact, unsettled, sentAtMs: Number.NaN };
}

// ---- Settling what the look and the stop showed ----

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

// ---- The tag ----

/** A contact holds at most 6 user-defined tags (adminguide/granular-billing); `aws:` keys are the system's. */
export const maxUserTagsPerContact = 6;

/** Whether `adding` more user tags fit on a contact that carries `tags`. */
export function tagsFit(tags: Record<string, string> | undefined, adding: number): boolean {
  const userTags = Object.keys(tags ?? {}).filter((key) => !key.startsWith('aws:')).length;
  return userTags + adding <= maxUserTagsPerContact;
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

// ---- DescribeContact ----

export type Described = { contact: Contact } | { outcome: FailureOutcome };

/** DescribeContact, as the contact or as the failure; never throws. */
export async function describeCallback(
  connect: ConnectClient,
  ids: { instanceId: string; contactId: string },
  abortSignal?: AbortSignal,
): Promise<Described> {
  try {
    const answer = await connect.send(
      new DescribeContactCommand({ InstanceId: ids.instanceId, ContactId: ids.contactId }),
      { abortSignal },
    );
    if (answer.Contact) return { contact: answer.Contact };
    const message = 'DescribeContact returned no contact';
    return { outcome: { kind: 'invalid-contact-id', code: 'ResourceNotFoundException', message } };
  } catch (error) {
    return { outcome: outcomeFromError(error, 'contact') };
  }
}

/** DescribeContact's "not found": the contact, or the instance, the Region or the endpoint. */
export function isNotFound(outcome: FailureOutcome): boolean {
  return outcome.kind === 'invalid-contact-id' || outcome.kind === 'contact-not-active';
}
