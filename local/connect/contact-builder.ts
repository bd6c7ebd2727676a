import { randomUUID } from 'node:crypto';
import { InvalidLocalInputError, LocalEntityNotFoundError } from './errors.js';
import { assertId, type InstanceRecord } from './state.js';
import {
  CHANNELS,
  type Contact,
  type ContactPhase,
  type ContactSeed,
  INITIATION_METHODS,
} from './types.js';

const E164 = /^\+[1-9]\d{1,14}$/;
const SEED_TIMES = [
  'initiatedAt',
  'enqueuedAt',
  'ringStartAt',
  'acceptedByAgentAt',
  'connectedToSystemAt',
  'connectedToAgentAt',
  'disconnectedAt',
] as const;

/** Builds a contact in any state from a seed, filling the times Connect would have set. */
export function buildContact(record: InstanceRecord, input: ContactSeed, nowMs: number): Contact {
  const id = input.id ?? randomUUID();
  assertId('contact id', id, 256);
  if (record.contacts.has(id)) throw new InvalidLocalInputError(`contact ${id} already exists`);
  const channel = oneOf('channel', input.channel, CHANNELS);
  const initiationMethod = oneOf('initiationMethod', input.initiationMethod, INITIATION_METHODS);
  for (const key of SEED_TIMES) {
    const value = input[key];
    if (value !== undefined && !Number.isFinite(value)) {
      throw new InvalidLocalInputError(`contact ${id}: ${key} must be epoch ms, got ${value}`);
    }
  }
  if (input.queueId !== undefined) requireQueue(record, input.queueId);
  if (input.enqueuedAt !== undefined && input.queueId === undefined) {
    throw new InvalidLocalInputError(`contact ${id}: enqueuedAt needs a queueId`);
  }
  if (input.agentId !== undefined && !record.users.has(input.agentId)) {
    throw new LocalEntityNotFoundError(
      `contact ${id}: agent (user) ${input.agentId} does not exist; seed it first`,
    );
  }
  for (const key of ['ringStartAt', 'acceptedByAgentAt', 'connectedToAgentAt'] as const) {
    if (input[key] !== undefined && input.agentId === undefined) {
      throw new InvalidLocalInputError(`contact ${id}: ${key} needs an agentId`);
    }
  }
  if (input.customerPhoneNumber !== undefined && !E164.test(input.customerPhoneNumber)) {
    throw new InvalidLocalInputError(
      `contact ${id}: customerPhoneNumber must be in E.164 form like +15550100`,
    );
  }
  // An agent with no offer or accept time given is connected, as seeds always meant.
  const connectedToAgentAt =
    input.agentId === undefined ||
    (input.connectedToAgentAt === undefined &&
      (input.ringStartAt !== undefined || input.acceptedByAgentAt !== undefined))
      ? undefined
      : (input.connectedToAgentAt ?? Math.min(nowMs, input.disconnectedAt ?? nowMs));
  const known = [
    input.enqueuedAt,
    input.ringStartAt,
    input.acceptedByAgentAt,
    connectedToAgentAt,
    input.disconnectedAt,
  ].filter((t): t is number => t !== undefined);
  const initiatedAt = input.initiatedAt ?? (known.length > 0 ? Math.min(...known) : nowMs);
  const enqueuedAt = input.queueId === undefined ? undefined : (input.enqueuedAt ?? initiatedAt);
  // A connected contact was accepted when it connected unless the seed says otherwise (API_AgentInfo).
  const acceptedByAgentAt = input.acceptedByAgentAt ?? connectedToAgentAt;
  // ctr-data-model: INBOUND connects to the system at initiation; a callback when the customer answers.
  const connectedToSystemAt =
    input.connectedToSystemAt ??
    (channel !== 'VOICE'
      ? undefined
      : initiationMethod === 'INBOUND'
        ? initiatedAt
        : initiationMethod === 'CALLBACK'
          ? connectedToAgentAt
          : undefined);
  const contact: Contact = {
    id,
    arn: `${record.instance.arn}/contact/${id}`,
    instanceId: record.instance.id,
    initialContactId: input.initialContactId ?? id,
    channel,
    initiationMethod,
    initiatedAt,
    phase: 'initiated',
    lastUpdatedAt: Math.max(initiatedAt, ...known),
    attributes: { ...input.attributes },
    tags: { ...input.tags },
    history: [],
  };
  const optional = {
    previousContactId: input.previousContactId,
    relatedContactId: input.relatedContactId,
    queueId: input.queueId,
    enqueuedAt,
    agentId: input.agentId,
    ringStartAt: input.ringStartAt,
    acceptedByAgentAt,
    connectedToSystemAt,
    connectedToAgentAt,
    disconnectedAt: input.disconnectedAt,
    customerPhoneNumber: input.customerPhoneNumber,
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) Object.assign(contact, { [key]: value });
  }
  if (input.disconnectedAt !== undefined) {
    contact.disconnectReason = input.disconnectReason ?? 'CUSTOMER_DISCONNECT';
  }
  contact.phase = phaseOf(contact);
  return contact;
}

/** The phase a seeded contact's times imply. */
function phaseOf(contact: Contact): ContactPhase {
  if (contact.disconnectedAt !== undefined) return 'disconnected';
  if (contact.connectedToAgentAt !== undefined) return 'connected';
  // Enqueued after its last offer or accept: a failed attempt was re-queued, agent fields kept.
  const lastAgentTouch = Math.max(contact.ringStartAt ?? -1, contact.acceptedByAgentAt ?? -1);
  if (
    contact.enqueuedAt !== undefined &&
    lastAgentTouch >= 0 &&
    contact.enqueuedAt > lastAgentTouch
  )
    return 'queued';
  if (contact.acceptedByAgentAt !== undefined) return 'dialling';
  if (contact.ringStartAt !== undefined) return 'offered';
  if (contact.enqueuedAt !== undefined) return 'queued';
  return 'initiated';
}

export function requireQueue(record: InstanceRecord, queueId: string): void {
  if (!record.queues.has(queueId)) {
    throw new LocalEntityNotFoundError(
      `queue ${queueId} does not exist in instance ${record.instance.id}; seed it first`,
    );
  }
}

function oneOf<T extends string>(field: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new InvalidLocalInputError(
      `${field} must be one of ${allowed.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return value as T;
}
