import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.js';
import { InvalidLocalInputError, LocalEntityNotFoundError } from './errors.js';
import { buildContactEvent, type ContactEventBus } from './events.js';
import { assertId, type ConnectState, type InstanceRecord } from './state.js';
import {
  CHANNELS,
  type Channel,
  type Contact,
  type ContactEventType,
  type ContactSeed,
  INITIATION_METHODS,
  type InitiationMethod,
} from './types.js';

const E164 = /^\+[1-9]\d{1,14}$/;

export interface StartContactInput {
  channel: Channel | string;
  initiationMethod: InitiationMethod | string;
  queueId?: string;
  id?: string;
  customerPhoneNumber?: string;
}

/**
 * Every change to a contact goes through here, so each one sets its timestamps from the clock and
 * emits the contact event Connect would (seeding is the one silent path).
 */
export class ContactLifecycle {
  constructor(
    private readonly state: ConnectState,
    private readonly clock: Clock,
    private readonly bus: ContactEventBus,
  ) {}

  /** Places a contact in any state without emitting events. */
  seed(instanceIdOrArn: string, input: ContactSeed): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = this.buildContact(record, input);
    record.contacts.set(contact.id, contact);
    return snapshot(contact);
  }

  /** A customer asks for a callback: a VOICE contact initiated by CALLBACK, then queued. */
  queueCallback(
    instanceIdOrArn: string,
    input: { queueId: string; customerPhoneNumber: string; id?: string },
  ): Contact {
    if (input.queueId === undefined)
      throw new InvalidLocalInputError('queueCallback needs a queueId');
    if (input.customerPhoneNumber === undefined) {
      throw new InvalidLocalInputError('queueCallback needs a customerPhoneNumber in E.164 form');
    }
    return this.startContact(instanceIdOrArn, {
      ...input,
      channel: 'VOICE',
      initiationMethod: 'CALLBACK',
    });
  }

  /** Starts a contact (INITIATED) and, with a queueId, queues it (QUEUED). */
  startContact(instanceIdOrArn: string, input: StartContactInput): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    if (input.queueId !== undefined) this.requireQueue(record, input.queueId);
    const now = this.clock.now();
    const contact = this.buildContact(record, {
      ...(input.id === undefined ? {} : { id: input.id }),
      channel: input.channel,
      initiationMethod: input.initiationMethod,
      ...(input.customerPhoneNumber === undefined
        ? {}
        : { customerPhoneNumber: input.customerPhoneNumber }),
      initiatedAt: now,
    });
    record.contacts.set(contact.id, contact);
    this.emit('INITIATED', record, contact);
    if (input.queueId !== undefined) {
      contact.queueId = input.queueId;
      contact.enqueuedAt = now;
      this.emit('QUEUED', record, contact);
    }
    return snapshot(contact);
  }

  connectToAgent(instanceIdOrArn: string, contactId: string, userId: string): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = this.requireContact(record, contactId);
    if (!record.users.has(userId)) {
      throw new LocalEntityNotFoundError(
        `user ${userId} does not exist in instance ${record.instance.id}`,
      );
    }
    if (contact.disconnectedAt !== undefined) {
      throw new InvalidLocalInputError(`contact ${contactId} is already disconnected`);
    }
    if (contact.connectedToAgentAt !== undefined) {
      throw new InvalidLocalInputError(`contact ${contactId} is already connected to an agent`);
    }
    contact.agentId = userId;
    contact.connectedToAgentAt = this.clock.now();
    this.emit('CONNECTED_TO_AGENT', record, contact);
    return snapshot(contact);
  }

  /** The customer (or the flow) hangs up. */
  disconnect(instanceIdOrArn: string, contactId: string): Contact {
    const record = this.state.requireInstance(instanceIdOrArn);
    const contact = this.requireContact(record, contactId);
    if (contact.disconnectedAt !== undefined) {
      throw new InvalidLocalInputError(`contact ${contactId} is already disconnected`);
    }
    this.end(record, contact, 'CUSTOMER_DISCONNECT');
    return snapshot(contact);
  }

  /** Ends a contact: sets its disconnect time, which also takes it out of its queue. */
  end(record: InstanceRecord, contact: Contact, disconnectReason: string): void {
    contact.disconnectedAt = this.clock.now();
    contact.disconnectReason = disconnectReason;
    this.emit('DISCONNECTED', record, contact);
  }

  updateData(
    record: InstanceRecord,
    contact: Contact,
    change: { attributes?: Record<string, string>; tags?: Record<string, string> },
  ): void {
    if (change.attributes) Object.assign(contact.attributes, change.attributes);
    if (change.tags) Object.assign(contact.tags, change.tags);
    this.emit('CONTACT_DATA_UPDATED', record, contact);
  }

  private emit(eventType: ContactEventType, record: InstanceRecord, contact: Contact): void {
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

  private requireContact(record: InstanceRecord, contactId: string): Contact {
    const contact = record.contacts.get(contactId);
    if (!contact) {
      throw new LocalEntityNotFoundError(
        `contact ${contactId} does not exist in instance ${record.instance.id}`,
      );
    }
    return contact;
  }

  private requireQueue(record: InstanceRecord, queueId: string): void {
    if (!record.queues.has(queueId)) {
      throw new LocalEntityNotFoundError(
        `queue ${queueId} does not exist in instance ${record.instance.id}; seed it first`,
      );
    }
  }

  private buildContact(record: InstanceRecord, input: ContactSeed): Contact {
    const id = input.id ?? randomUUID();
    assertId('contact id', id, 256);
    if (record.contacts.has(id)) throw new InvalidLocalInputError(`contact ${id} already exists`);
    const channel = oneOf('channel', input.channel, CHANNELS);
    const initiationMethod = oneOf('initiationMethod', input.initiationMethod, INITIATION_METHODS);
    for (const key of [
      'initiatedAt',
      'enqueuedAt',
      'connectedToAgentAt',
      'disconnectedAt',
    ] as const) {
      const value = input[key];
      if (value !== undefined && !Number.isFinite(value)) {
        throw new InvalidLocalInputError(`contact ${id}: ${key} must be epoch ms, got ${value}`);
      }
    }
    if (input.queueId !== undefined) this.requireQueue(record, input.queueId);
    if (input.enqueuedAt !== undefined && input.queueId === undefined) {
      throw new InvalidLocalInputError(`contact ${id}: enqueuedAt needs a queueId`);
    }
    if (input.agentId !== undefined && !record.users.has(input.agentId)) {
      throw new LocalEntityNotFoundError(
        `contact ${id}: agent (user) ${input.agentId} does not exist; seed it first`,
      );
    }
    if (input.connectedToAgentAt !== undefined && input.agentId === undefined) {
      throw new InvalidLocalInputError(`contact ${id}: connectedToAgentAt needs an agentId`);
    }
    if (input.customerPhoneNumber !== undefined && !E164.test(input.customerPhoneNumber)) {
      throw new InvalidLocalInputError(
        `contact ${id}: customerPhoneNumber must be in E.164 form like +15550100`,
      );
    }
    const now = this.clock.now();
    const connectedToAgentAt =
      input.agentId === undefined
        ? undefined
        : (input.connectedToAgentAt ?? Math.min(now, input.disconnectedAt ?? now));
    const known = [input.enqueuedAt, connectedToAgentAt, input.disconnectedAt].filter(
      (t): t is number => t !== undefined,
    );
    const initiatedAt = input.initiatedAt ?? (known.length > 0 ? Math.min(...known) : now);
    const enqueuedAt = input.queueId === undefined ? undefined : (input.enqueuedAt ?? initiatedAt);
    const contact: Contact = {
      id,
      arn: `${record.instance.arn}/contact/${id}`,
      instanceId: record.instance.id,
      initialContactId: input.initialContactId ?? id,
      channel,
      initiationMethod,
      initiatedAt,
      lastUpdatedAt: Math.max(initiatedAt, ...known),
      attributes: { ...input.attributes },
      tags: { ...input.tags },
    };
    if (input.previousContactId !== undefined) contact.previousContactId = input.previousContactId;
    if (input.queueId !== undefined) contact.queueId = input.queueId;
    if (enqueuedAt !== undefined) contact.enqueuedAt = enqueuedAt;
    if (input.agentId !== undefined) contact.agentId = input.agentId;
    if (connectedToAgentAt !== undefined) contact.connectedToAgentAt = connectedToAgentAt;
    if (input.disconnectedAt !== undefined) {
      contact.disconnectedAt = input.disconnectedAt;
      contact.disconnectReason = input.disconnectReason ?? 'CUSTOMER_DISCONNECT';
    }
    if (input.customerPhoneNumber !== undefined)
      contact.customerPhoneNumber = input.customerPhoneNumber;
    return contact;
  }
}

/** Whether a contact is waiting in a queue: enqueued, not yet with an agent, not ended. */
export function isInQueue(contact: Contact): boolean {
  return (
    contact.queueId !== undefined &&
    contact.enqueuedAt !== undefined &&
    contact.connectedToAgentAt === undefined &&
    contact.disconnectedAt === undefined
  );
}

/** A copy callers can keep without reaching into the emulator's state. */
export function snapshot(contact: Contact): Contact {
  return structuredClone(contact);
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidLocalInputError(
      `${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
