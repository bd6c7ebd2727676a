/** Domain types of the local Amazon Connect: what its state holds and what its TypeScript API returns. */

export const OPERATION_NAMES = [
  'StopContact',
  'DescribeContact',
  'SearchContacts',
  'DescribeUser',
  'SearchUsers',
  'ListSecurityProfilePermissions',
  'GetCurrentMetricData',
  'TagContact',
  'UpdateContactAttributes',
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
] as const;
export type InitiationMethod = (typeof INITIATION_METHODS)[number];

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
  agentId?: string;
  connectedToAgentAt?: number;
  disconnectedAt?: number;
  /** Why the contact ended, as Connect's contact record spells it (`API` for StopContact). */
  disconnectReason?: string;
  lastUpdatedAt: number;
  customerPhoneNumber?: string;
  attributes: Record<string, string>;
  tags: Record<string, string>;
}

/** Input of `seed.contact`: a contact in any state, placed silently (no events). Times are epoch ms. */
export interface ContactSeed {
  id?: string;
  channel: Channel | string;
  initiationMethod: InitiationMethod | string;
  initialContactId?: string;
  previousContactId?: string;
  queueId?: string;
  enqueuedAt?: number;
  agentId?: string;
  connectedToAgentAt?: number;
  disconnectedAt?: number;
  disconnectReason?: string;
  initiatedAt?: number;
  customerPhoneNumber?: string;
  attributes?: Record<string, string>;
  tags?: Record<string, string>;
}

export const CONTACT_EVENT_TYPES = [
  'INITIATED',
  'QUEUED',
  'CONNECTED_TO_AGENT',
  'DISCONNECTED',
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
  operation: OperationName | 'Unknown';
  method: string;
  path: string;
  status: number;
  errorType?: string;
  /** Real wall-clock epoch ms when the answer was sent. */
  at: number;
}
