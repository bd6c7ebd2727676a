import { type ContactLifecycle, snapshot } from './contacts.js';
import { InvalidLocalInputError, LocalStateConflictError } from './errors.js';
import type { InstanceRecord } from './state.js';
import type { Contact, ContactPhase } from './types.js';

export const DIAL_RESULTS = ['answered', 'no-answer', 'busy', 'failed'] as const;
export type DialResult = (typeof DIAL_RESULTS)[number];
export const AFTER_FAILED_DIAL = ['retry', 'requeue', 'give-up'] as const;
export type AfterFailedDial = (typeof AFTER_FAILED_DIAL)[number];

/** Why a callback that was given up ends, as ctr-data-model names the telephony outcomes. */
const GIVE_UP_REASON: Record<Exclude<DialResult, 'answered'>, string> = {
  'no-answer': 'TELECOM_UNANSWERED',
  busy: 'TELECOM_BUSY',
  failed: 'TELECOM_PROBLEM',
};

/**
 * The agent-first callback lifecycle (adminguide/queued-callback-example, failed-callback-attempt):
 * queued → offered → accepted and dialling → answered (connected) or failed (retried, re-queued or
 * given up); and the customer-first legs (adminguide/customer-first-cb).
 */
export class CallbackLifecycle {
  constructor(private readonly contacts: ContactLifecycle) {}

  /**
   * The routing engine offers a queued callback to an agent: AgentInfo.Id and RingStartTimestamp.
   * It stays in its queue (failed-callback-attempt: "in the callback queue until an agent accepts"),
   * so POSITION_IN_QUEUE still answers and only DescribeContact's agent fields reveal the offer.
   * API_Contact documents RingStartTimestamp for campaign calls and AgentInfo for the accepting agent,
   * so real Connect may show even less; this is the case that leaves a sweeper the most to notice.
   */
  offer(instanceId: string, contactId: string, agentId: string): Contact {
    const { record, contact } = this.find(instanceId, contactId, 'offer', ['queued', 'offered']);
    this.requireAgentFirst(contact, 'offer');
    this.contacts.requireUser(record, agentId);
    contact.agentId = agentId;
    contact.ringStartAt = this.contacts.now();
    contact.phase = 'offered';
    this.contacts.note(contact, 'offered');
    this.contacts.touch(contact);
    return snapshot(contact);
  }

  /**
   * An agent accepts: Connect takes the callback out of the queue and dials the customer
   * (failed-callback-attempt); AcceptedByAgentTimestamp is set (API_AgentInfo). No contact event.
   */
  accept(instanceId: string, contactId: string, agentId?: string): Contact {
    const { record, contact } = this.find(instanceId, contactId, 'accept', ['queued', 'offered']);
    this.requireAgentFirst(contact, 'accept');
    const agent = agentId ?? contact.agentId;
    if (agent === undefined || (contact.phase === 'queued' && agentId === undefined)) {
      throw new InvalidLocalInputError(
        `accept needs an agentId: contact ${contactId} is queued and not offered to anyone`,
      );
    }
    this.contacts.requireUser(record, agent);
    contact.agentId = agent;
    contact.acceptedByAgentAt = this.contacts.now();
    contact.phase = 'dialling';
    this.contacts.note(contact, 'accepted');
    this.contacts.note(contact, 'dialling');
    this.contacts.touch(contact);
    return snapshot(contact);
  }

  /**
   * The outcome of dialling the customer. Answered: ConnectedToSystemTimestamp, then (no whisper
   * modelled) ConnectedToAgentTimestamp (queued-callback-example). Otherwise `then` decides: dial
   * again, back to the queue (a new EnqueueTimestamp; the failed attempt's agent fields stay, as
   * Connect documents nothing about clearing them), or give up (disconnected).
   */
  dialResult(
    instanceId: string,
    contactId: string,
    result: DialResult,
    then: AfterFailedDial = 'requeue',
  ): Contact {
    const { record, contact } = this.find(instanceId, contactId, 'dial-result', ['dialling']);
    if (contact.initiationMethod === 'CALLBACK_CUSTOMER_FIRST_DIALED') {
      return this.customerFirstDialResult(record, contact, result, then);
    }
    const now = this.contacts.now();
    if (result === 'answered') {
      contact.connectedToSystemAt = now;
      contact.connectedToAgentAt = now;
      contact.phase = 'connected';
      // contact-events: CONNECTED_TO_SYSTEM is published for outbound calls once media is established.
      this.contacts.emit('CONNECTED_TO_SYSTEM', record, contact);
      this.contacts.note(contact, 'connected');
      this.contacts.emit('CONNECTED_TO_AGENT', record, contact);
      return snapshot(contact);
    }
    this.contacts.note(contact, 'dial-failed');
    if (then === 'retry') {
      this.contacts.note(contact, 'dialling');
      this.contacts.touch(contact);
    } else if (then === 'requeue') {
      this.contacts.enqueue(record, contact, 'requeued');
    } else {
      this.contacts.end(record, contact, GIVE_UP_REASON[result]);
    }
    return snapshot(contact);
  }

  /** An offered or accepted callback goes back to its queue (the offer lapsed, or the dial is abandoned). */
  requeue(instanceId: string, contactId: string): Contact {
    const { record, contact } = this.find(instanceId, contactId, 'requeue', [
      'offered',
      'dialling',
    ]);
    this.requireAgentFirst(contact, 'requeue');
    this.contacts.enqueue(record, contact, 'requeued');
    return snapshot(contact);
  }

  /**
   * Connect starts dialling a customer-first callback: the queued leg ends (its DisconnectTimestamp
   * is "contact is disconnected and customer will be dialed") and the dialled leg begins, with
   * PreviousContactId = the queued leg and the same InitialContactId (adminguide/customer-first-cb).
   */
  dial(instanceId: string, contactId: string): Contact {
    const { record, contact } = this.find(instanceId, contactId, 'dial', ['queued', 'offered']);
    if (contact.initiationMethod !== 'CALLBACK_CUSTOMER_FIRST_QUEUED') {
      throw new LocalStateConflictError(
        `contact ${contactId} is initiated by ${contact.initiationMethod}; dial starts a customer-first callback (CALLBACK_CUSTOMER_FIRST_QUEUED); an agent-first callback is dialled by accept`,
      );
    }
    // customer-first-cb names no disconnect reason for the queued leg's hand-over.
    this.contacts.end(record, contact, 'OTHER');
    const dialled = this.contacts.startContact(
      record.instance.id,
      {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK_CUSTOMER_FIRST_DIALED',
        ...(contact.customerPhoneNumber === undefined
          ? {}
          : { customerPhoneNumber: contact.customerPhoneNumber }),
      },
      {
        initialContactId: contact.initialContactId,
        previousContactId: contact.id,
        attributes: { ...contact.attributes },
      },
    );
    const leg = this.contacts.requireContact(record, dialled.id);
    if (contact.queueId !== undefined) leg.queueId = contact.queueId;
    leg.phase = 'dialling';
    this.contacts.note(leg, 'dialling');
    return snapshot(leg);
  }

  /**
   * customer-first-cb: an answered dialled leg is transferred to the queue to find an agent; a
   * failed one ends, and a retry recreates the callback as a new queued leg that inherits its attributes.
   */
  private customerFirstDialResult(
    record: InstanceRecord,
    leg: Contact,
    result: DialResult,
    then: AfterFailedDial,
  ): Contact {
    if (result === 'answered') {
      leg.connectedToSystemAt = this.contacts.now();
      this.contacts.emit('CONNECTED_TO_SYSTEM', record, leg);
      if (leg.queueId !== undefined) this.contacts.enqueue(record, leg, 'queued');
      return snapshot(leg);
    }
    this.contacts.note(leg, 'dial-failed');
    this.contacts.end(record, leg, GIVE_UP_REASON[result]);
    if (then === 'give-up' || leg.queueId === undefined) return snapshot(leg);
    const retry = this.contacts.startContact(
      record.instance.id,
      {
        channel: 'VOICE',
        initiationMethod: 'CALLBACK_CUSTOMER_FIRST_QUEUED',
        queueId: leg.queueId,
        ...(leg.customerPhoneNumber === undefined
          ? {}
          : { customerPhoneNumber: leg.customerPhoneNumber }),
      },
      {
        initialContactId: leg.initialContactId,
        previousContactId: leg.id,
        attributes: { ...leg.attributes },
      },
    );
    return retry;
  }

  private find(
    instanceId: string,
    contactId: string,
    action: string,
    allowed: ContactPhase[],
  ): { record: InstanceRecord; contact: Contact } {
    const record = this.contacts.requireRecord(instanceId);
    const contact = this.contacts.requireContact(record, contactId);
    if (!allowed.includes(contact.phase)) {
      throw new LocalStateConflictError(
        `contact ${contactId} is ${contact.phase}; ${action} needs a contact that is ${allowed.join(' or ')}`,
      );
    }
    return { record, contact };
  }

  private requireAgentFirst(contact: Contact, action: string): void {
    if (contact.initiationMethod !== 'CALLBACK' || contact.channel !== 'VOICE') {
      throw new LocalStateConflictError(
        `contact ${contact.id} is a ${contact.channel} contact initiated by ${contact.initiationMethod}; ${action} works on agent-first callbacks (VOICE, CALLBACK)`,
      );
    }
  }
}
