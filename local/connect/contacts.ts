import type { Clock } from './clock.js';
import { buildContact, requireQueue } from './contact-builder.js';
import {
  InvalidLocalInputError,
  LocalEntityNotFoundError,
  LocalStateConflictError,
} from './errors.js';
import { buildContactEvent, type ContactEventBus } from './events.js';
import { preciseNow, type Sequence } from './sequence.js';
import type { ConnectState, InstanceRecord } from './state.js';
import type {
  Channel,
  Contact,
  ContactEventType,
  ContactSeed,
  HistoryEvent,
  InitiationMethod,
} from './types.js';

export interface StartContactInput {
  channel: Channel | string;
  initiationMethod: InitiationMethod | string;
  queueId?: string;
  id?: string;
  customerPhoneNumber?: string;
}

export interface QueueCallbackInput {
  queueId: string;
  customerPhoneNumber: string;
  id?: string;
  /** A customer-first callback: its queued leg, CALLBACK_CUSTOMER_FIRST_QUEUED (adminguide/customer-first-cb). */
  customerFirst?: boolean;
}

/**
 * Every change to a contact goes through here, so each one sets its timestamps from the clock,
 * records its history and emits the contact event Connect would (seeding is the one silent path).
 */
export class ContactLifecycle {
  constructor(
    private readonly state: ConnectState,
    private readonly clock: Clock,
    private readonly bus: ContactEventBus,
    private readonly sequence: Sequence,
  ) {}

  now(): number {
    return this.clock.now();
  }

  /** Places a contact in any state without emitting events. */
  seed(instanceIdOrArn: string, input: ContactSeed): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = buildContact(record, input, this.clock.now());
    record.contacts.set(contact.id, contact);
    return snapshot(contact);
  }

  /** A customer asks for a callback: a VOICE contact initiated by CALLBACK, then queued. */
  queueCallback(instanceIdOrArn: string, input: QueueCallbackInput): Contact {
    if (input.queueId === undefined)
      throw new InvalidLocalInputError('queueCallback needs a queueId');
    if (input.customerPhoneNumber === undefined) {
      throw new InvalidLocalInputError('queueCallback needs a customerPhoneNumber in E.164 form');
    }
    const { customerFirst, ...rest } = input;
    return this.startContact(instanceIdOrArn, {
      ...rest,
      channel: 'VOICE',
      initiationMethod: customerFirst ? 'CALLBACK_CUSTOMER_FIRST_QUEUED' : 'CALLBACK',
    });
  }

  /** Starts a contact (INITIATED) and, with a queueId, queues it (QUEUED). */
  startContact(instanceIdOrArn: string, input: StartContactInput, links: Links = {}): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    if (input.queueId !== undefined) requireQueue(record, input.queueId);
    const now = this.clock.now();
    const contact = buildContact(
      record,
      {
        ...(input.id === undefined ? {} : { id: input.id }),
        ...links,
        channel: input.channel,
        initiationMethod: input.initiationMethod,
        ...(input.customerPhoneNumber === undefined
          ? {}
          : { customerPhoneNumber: input.customerPhoneNumber }),
        initiatedAt: now,
      },
      now,
    );
    // ctr-data-model: an INBOUND call is connected to the system when it arrives.
    if (contact.channel === 'VOICE' && contact.initiationMethod === 'INBOUND') {
      contact.connectedToSystemAt = now;
    }
    // No ConnectedToSystemTimestamp on a customer-first callback's queued leg: API_Contact defines it
    // as when the customer endpoint connected, ctr-data-model as when it answers for CALLBACK, and
    // adminguide/customer-first-cb has the queued leg (C2) end when dialling starts, on the dialled
    // leg (C3), which is the one the customer answers.
    record.contacts.set(contact.id, contact);
    this.emit('INITIATED', record, contact);
    if (input.queueId !== undefined) {
      contact.queueId = input.queueId;
      this.enqueue(record, contact, 'queued');
    }
    return snapshot(contact);
  }

  /** The contact joins an agent; a callback not yet accepted is accepted and answered on the way. */
  connectToAgent(instanceIdOrArn: string, contactId: string, userId: string): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = this.requireContact(record, contactId);
    this.requireUser(record, userId);
    if (contact.phase === 'disconnected' || contact.phase === 'connected') {
      throw new LocalStateConflictError(
        `contact ${contactId} is ${contact.phase}; connect-to-agent needs a contact that is not yet with an agent`,
      );
    }
    const now = this.clock.now();
    contact.agentId = userId;
    if (contact.phase !== 'dialling') {
      contact.acceptedByAgentAt = now;
      this.note(contact, 'accepted');
    }
    if (contact.channel === 'VOICE' && contact.connectedToSystemAt === undefined) {
      contact.connectedToSystemAt = now;
    }
    contact.connectedToAgentAt = now;
    contact.phase = 'connected';
    this.note(contact, 'connected');
    this.emit('CONNECTED_TO_AGENT', record, contact);
    return snapshot(contact);
  }

  /** The customer (or the flow) hangs up. */
  disconnect(instanceIdOrArn: string, contactId: string): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = this.requireContact(record, contactId);
    if (contact.phase === 'disconnected') {
      throw new LocalStateConflictError(`contact ${contactId} is already disconnected`);
    }
    this.end(record, contact, 'CUSTOMER_DISCONNECT');
    return snapshot(contact);
  }

  /**
   * Ends a contact, which also takes it out of its queue. With no After Contact Work modelled,
   * COMPLETED follows DISCONNECTED at once with the same data (adminguide/contact-events).
   */
  end(record: InstanceRecord, contact: Contact, disconnectReason: string, byApi = false): void {
    contact.disconnectedAt = this.clock.now();
    contact.disconnectReason = disconnectReason;
    contact.phase = 'disconnected';
    if (byApi) this.note(contact, 'stopped-by-api');
    this.note(contact, 'disconnected');
    this.emit('DISCONNECTED', record, contact);
    this.note(contact, 'completed');
    this.emit('COMPLETED', record, contact);
  }

  /** Puts a contact (back) in its queue: a new EnqueueTimestamp and a QUEUED event. */
  enqueue(record: InstanceRecord, contact: Contact, event: 'queued' | 'requeued'): void {
    contact.enqueuedAt = this.clock.now();
    contact.phase = 'queued';
    this.note(contact, event);
    this.emit('QUEUED', record, contact);
  }

  updateData(
    record: InstanceRecord,
    contact: Contact,
    change: { attributes?: Record<string, string>; tags?: Record<string, string> },
  ): void {
    if (change.attributes) Object.assign(contact.attributes, change.attributes);
    if (change.tags) {
      Object.assign(contact.tags, change.tags);
      this.note(contact, 'tagged');
    }
    this.emit('CONTACT_DATA_UPDATED', record, contact);
  }

  /** Records one step of the contact's history on the shared sequence. */
  note(contact: Contact, event: HistoryEvent): void {
    contact.history.push({
      seq: this.sequence.next(),
      at: preciseNow(),
      clockAt: this.clock.now(),
      event,
    });
  }

  /** A change Connect makes without emitting a contact event still updates LastUpdateTimestamp. */
  touch(contact: Contact): void {
    contact.lastUpdatedAt = this.clock.now();
  }

  emit(eventType: ContactEventType, record: InstanceRecord, contact: Contact): void {
    const nowMs = this.clock.now();
    contact.lastUpdatedAt = nowMs;
    this.bus.publish(
      buildContactEvent(eventType, contact, {
        region: this.state.region,
        accountId: this.state.accountId,
        instanceArn: record.instance.arn,
        nowMs,
      }),
    );
  }

  requireRecord(instanceIdOrArn: string): InstanceRecord {
    return this.state.requireInstance(instanceIdOrArn);
  }

  requireContact(record: InstanceRecord, contactId: string): Contact {
    const contact = record.contacts.get(contactId);
    if (!contact) {
      throw new LocalEntityNotFoundError(
        `contact ${contactId} does not exist in instance ${record.instance.id}`,
      );
    }
    return contact;
  }

  requireUser(record: InstanceRecord, userId: string): void {
    if (!record.users.has(userId)) {
      throw new LocalEntityNotFoundError(
        `user ${userId} does not exist in instance ${record.instance.id}`,
      );
    }
  }
}

/** How a new contact links to the ones before it. */
export interface Links {
  initialContactId?: string;
  previousContactId?: string;
  attributes?: Record<string, string>;
}

/** Whether a contact is waiting in a queue: queued, or offered to an agent who has not accepted yet. */
export function isInQueue(contact: Contact): boolean {
  // failed-callback-attempt: a callback stays in its queue until an agent accepts the offer.
  return contact.phase === 'queued' || contact.phase === 'offered';
}

/** A copy callers can keep without reaching into the emulator's state. */
export function snapshot(contact: Contact): Contact {
  return structuredClone(contact);
}
