/** Domain types of the local Amazon Connect: what its state holds and what its TypeScript API returns. */

export const OPERATION_NAMES = [
  'StopContact',
  'DescribeContact',
  'SearchContacts',
  'DescribeUser',
  'SearchUsers',
  'ListSecurityProfilePermissions',
  'GetCurrentMetricData',
  'GetContactMetrics',
  'TagContact',
  'UpdateContactAttributes',
  'DescribeInstance',
  'DescribeQueue',
  'ListQueues',
  'ListLambdaFunctions',
] as const;

/** A Connect API operation the emulator implements. */
export type OperationName = (typeof OPERATION_NAMES)[number];

export function isOperationName(value: string): value is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(value);
}

export const CHANNELS = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const;
export type Channel = (typeof CHANNELS)[number];

export const INITIATION_METHODS = [
  'INBOUND',
  'OUTBOUND',
  'TRANSFER',
  'QUEUE_TRANSFER',
  'CALLBACK',
  'API',
  'DISCONNECT',
  'MONITOR',
  'EXTERNAL_OUTBOUND',
  'WEBRTC_API',
  'AGENT_REPLY',
  'FLOW',
  'CAMPAIGN_PREVIEW',
  // Customer-first callback legs: on the wire as strings, not yet in the SDK's enum (adminguide/customer-first-cb).
  'CALLBACK_CUSTOMER_FIRST_QUEUED',
  'CALLBACK_CUSTOMER_FIRST_DIALED',
] as const;
export type InitiationMethod = (typeof INITIATION_METHODS)[number];

/** Initiation methods of a callback that waits in a queue before anyone dials the customer. */
export const QUEUED_CALLBACK_METHODS: ReadonlySet<string> = new Set([
  'CALLBACK',
  'CALLBACK_CUSTOMER_FIRST_QUEUED',
]);

/**
 * Where a contact is in its life. `offered`: ringing at an agent, still in queue; `dialling`: an
 * agent accepted a callback (or a customer-first callback is dialled), out of the queue.
 */
export const CONTACT_PHASES = [
  'initiated',
  'queued',
  'offered',
  'dialling',
  'connected',
  'disconnected',
] as const;
export type ContactPhase = (typeof CONTACT_PHASES)[number];

export const HISTORY_EVENTS = [
  'queued',
  'offered',
  'accepted',
  'dialling',
  'dial-failed',
  'requeued',
  'connected',
  'disconnected',
  'completed',
  'stopped-by-api',
  'tagged',
] as const;
export type HistoryEvent = (typeof HISTORY_EVENTS)[number];

/** One thing that happened to a contact, numbered on the emulator's one sequence (shared with the request log). */
export interface ContactHistoryEntry {
  seq: number;
  /** Real wall-clock epoch ms, sub-millisecond precision. */
  at: number;
  /** The emulator's controllable clock, epoch ms. */
  clockAt: number;
  event: HistoryEvent;
}

export interface Instance {
  id: string;
  arn: string;
  alias: string;
}

export interface Queue {
  id: string;
  arn: string;
  name: string;
  instanceId: string;
}

export interface SecurityProfile {
  id: string;
  arn: string;
  name: string;
  /** Permission strings such as `StopContact.Enabled`. */
  permissions: string[];
  instanceId: string;
}

export interface User {
  id: string;
  /** Connect's user ARN: `…:instance/<instanceId>/agent/<userId>`. */
  arn: string;
  username: string;
  securityProfileIds: string[];
  instanceId: string;
  /** Epoch ms (controllable clock). */
  lastModifiedAt: number;
}

/** A contact as the emulator stores it. All times are epoch ms on the controllable clock. */
export interface Contact {
  id: string;
  arn: string;
  instanceId: string;
  initialContactId: string;
  previousContactId?: string;
  channel: Channel;
  initiationMethod: InitiationMethod;
  initiatedAt: number;
  queueId?: string;
  enqueuedAt?: number;
  /** The agent offered, accepting or connected (`AgentInfo.Id`). */
  agentId?: string;
  /** Ringing at the agent (`RingStartTimestamp`). */
  ringStartAt?: number;
  /** `AgentInfo.AcceptedByAgentTimestamp`. */
  acceptedByAgentAt?: number;
  /** When the customer's endpoint connected (`ConnectedToSystemTimestamp`). */
  connectedToSystemAt?: number;
  connectedToAgentAt?: number;
  disconnectedAt?: number;
  /** Why the contact ended, as Connect's contact record spells it (`OTHER` for a voice contact StopContact ended). */
  disconnectReason?: string;
  relatedContactId?: string;
  phase: ContactPhase;
  lastUpdatedAt: number;
  customerPhoneNumber?: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  history: ContactHistoryEntry[];
}

/** Input of `seed.contact`: a contact in any state, placed silently (no events). Times are epoch ms. */
export type ContactSeed = Partial<
  Pick<
    Contact,
    | 'id'
    | 'initialContactId'
    | 'previousContactId'
    | 'queueId'
    | 'enqueuedAt'
    | 'agentId'
    | 'ringStartAt'
    | 'acceptedByAgentAt'
    | 'connectedToSystemAt'
    | 'connectedToAgentAt'
    | 'disconnectedAt'
    | 'disconnectReason'
    | 'relatedContactId'
    | 'initiatedAt'
    | 'customerPhoneNumber'
    | 'attributes'
    | 'tags'
  >
> & {
  channel: Channel | string;
  initiationMethod: InitiationMethod | string;
};

export const CONTACT_EVENT_TYPES = [
  'INITIATED',
  'CONNECTED_TO_SYSTEM',
  'QUEUED',
  'CONNECTED_TO_AGENT',
  'DISCONNECTED',
  'COMPLETED',
  'CONTACT_DATA_UPDATED',
] as const;
export type ContactEventType = (typeof CONTACT_EVENT_TYPES)[number];

/** `detail` of an `Amazon Connect Contact Event`; times are ISO-8601 strings as in AWS's samples. */
export interface ContactEventDetail {
  eventType: ContactEventType;
  contactId: string;
  initialContactId: string;
  previousContactId?: string;
  channel: Channel;
  initiationMethod: InitiationMethod;
  instanceArn: string;
  initiationTimestamp: string;
  disconnectTimestamp?: string;
  queueInfo?: { queueArn: string; queueType: 'STANDARD'; enqueueTimestamp: string };
  agentInfo?: { agentArn: string; connectedToAgentTimestamp: string };
}

/** An EventBridge event as Connect puts it on the default bus. */
export interface ContactEvent {
  version: '0';
  id: string;
  'detail-type': 'Amazon Connect Contact Event';
  source: 'aws.connect';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: ContactEventDetail;
}

export interface QuotaSetting {
  ratePerSecond: number;
  burst: number;
}

export interface FaultSetting {
  /** Probability (0–1) of answering 500 InternalServiceException. */
  errorRate?: number;
  /** Probability (0–1) of answering 429 ThrottlingException. */
  throttleRate?: number;
  /** Delay added before the operation runs. */
  latencyMs?: number;
  /** A further delay drawn uniformly from 0 to this, seeded. */
  latencyJitterMs?: number;
  /**
   * Probability (0–1) that the operation is applied and then the connection is dropped with no
   * answer, as when a connection breaks after the request was sent.
   */
  dropAfterApplyRate?: number;
}

/** Switches for behaviour AWS's documents disagree on. */
export interface LocalSettings {
  /** Whether SearchContacts returns queued callbacks (adminguide/contact-search has said both). @default false */
  searchShowsQueuedCallbacks: boolean;
  /** ESTIMATED_WAIT_TIME per contact ahead in the queue, including this one. @default 60 */
  estimatedWaitSecondsPerPosition: number;
}

export interface EventDeliverySetting {
  /** Probability (0–1) that an event is never delivered. */
  lossRate?: number;
  /** Probability (0–1) that an event is delivered twice. */
  duplicateRate?: number;
  /** Hold events in a small window and release them shuffled. */
  reorder?: boolean;
}

export interface RequestLogEntry {
  /** Position on the emulator's one sequence, shared with contact histories; taken when answered. */
  seq: number;
  operation: OperationName | 'Unknown';
  method: string;
  path: string;
  /** 0 when the connection was dropped with no answer. */
  status: number;
  errorType?: string;
  /** The contact a contact operation named (ContactId, or InitialContactId for UpdateContactAttributes). */
  contactId?: string;
  /** The operation was applied, then the connection dropped (fault `dropAfterApplyRate`). */
  dropped?: true;
  /** Real wall-clock epoch ms (sub-millisecond) when the request arrived. */
  receivedAt: number;
  /** Real wall-clock epoch ms (sub-millisecond) when the answer was sent or the connection dropped. */
  at: number;
}
