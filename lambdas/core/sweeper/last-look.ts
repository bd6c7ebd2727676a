import {
  type ConnectClient,
  type Contact,
  GetContactMetricsCommand,
} from '@aws-sdk/client-connect';
import { outcomeFromError } from '../connect/errors.js';
import type { FailureOutcome } from '../connect/outcome.js';
import { stopContact } from '../connect/stop-contact.js';
import { describeCallback } from './describe.js';
import {
  type Assessment,
  assessCallback,
  type EndReason,
  positionInQueue,
  type QueueLists,
} from './policy.js';
import type { StopTurns } from './stop-pacer.js';

/** The Connect side of a sweep. */
export interface SweepConnect {
  /** Reads and tags: the SDK retries them, and each attempt waits for its API's rate. */
  connect: ConnectClient;
  /** The last look's reads, one attempt each; `connect` when not given. */
  lookClient?: ConnectClient;
  /**
   * StopContact: one attempt, no retry. A retry would go out after a back-off, on a look that is
   * no longer the last one; a stop that fails is left for the next run, which looks again.
   */
  stopClient: ConnectClient;
  /** Waits until `operation` may be called under its rate (the limiter the clients share). */
  acquire?: (operation: string) => Promise<void>;
  /**
   * StopContact's rate, counted when each stop is sent: one look-and-stop at a time (StopPacer).
   * Without it, the stop's slot is taken from `acquire` before the look.
   */
  stopPacer?: StopTurns;
}

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

/** A callback queued too long must still be past the cutoff; a duplicate is young by nature. */
function stillQualifies(assessment: Assessment, reason: EndReason): boolean {
  if (assessment.verdict === 'stuck') return true;
  return assessment.verdict === 'recent' && reason === 'duplicate';
}
