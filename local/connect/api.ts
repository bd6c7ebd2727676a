import type { AfterFailedDial, DialResult } from './callbacks.js';
import type { EventDeliveryStats } from './events.js';
import type { Scenario } from './scenario.js';
import type { ConnectAuthorizer } from './server.js';
import type {
  Channel,
  Contact,
  ContactEvent,
  ContactHistoryEntry,
  ContactSeed,
  EventDeliverySetting,
  FaultSetting,
  InitiationMethod,
  Instance,
  LocalSettings,
  OperationName,
  Queue,
  QuotaSetting,
  RequestLogEntry,
  SecurityProfile,
  User,
} from './types.js';

export interface LocalConnectOptions {
  /** Port to listen on; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /**
   * API quotas: `true` for Connect's defaults, `false` for none, or per-operation overrides of the
   * defaults (`false` switches one operation's quota off). @default true
   */
  quotas?: boolean | Partial<Record<OperationName, QuotaSetting | false>>;
  /** Where the controllable clock starts. @default the scenario's clockStart, else now */
  clockStart?: Date;
  /** Stop the clock between `advance`/`set` calls, so timestamps are exact in tests. @default false */
  freezeClock?: boolean;
  /** Seed of the PRNG behind faults and event loss, duplication and reordering. @default 1 */
  seed?: number;
  /** Seeds the state (silently, no events). @default empty */
  scenario?: Scenario;
  /** @default 'us-east-1' */
  region?: string;
  /** @default '123456789012' */
  accountId?: string;
  /** Behaviour switches; a scenario's `settings` apply on top. @default searchShowsQueuedCallbacks false */
  settings?: Partial<LocalSettings>;
  /**
   * IAM in front of the API, as AWS checks each call before Connect sees it: a denial answers
   * 403 AccessDeniedException. The local system evaluates each function's role here
   * (local/iam). @default none: every signed call is allowed
   */
  authorize?: ConnectAuthorizer;
}

export interface LocalConnectClock {
  /** Epoch ms. */
  now(): number;
  advance(ms: number): void;
  set(epochMs: number): void;
}

export interface LocalConnectSeed {
  instance(input?: { id?: string; alias?: string }): Instance;
  queue(instanceId: string, input: { id?: string; name: string }): Queue;
  securityProfile(
    instanceId: string,
    input: { id?: string; name: string; permissions: string[] },
  ): SecurityProfile;
  user(
    instanceId: string,
    input: { id?: string; username: string; securityProfileIds: string[] },
  ): User;
  /** Places a contact in any state, silently (no events). */
  contact(instanceId: string, input: ContactSeed): Contact;
  /** Associates a Lambda function with the instance, as AssociateLambdaFunction does. */
  lambdaFunction(instanceId: string, functionArn: string): void;
}

export interface LocalConnectActions {
  /**
   * INITIATED then QUEUED: a VOICE contact initiated by CALLBACK, or with `customerFirst` the queued
   * leg of a customer-first callback (CALLBACK_CUSTOMER_FIRST_QUEUED).
   */
  queueCallback(
    instanceId: string,
    input: { queueId: string; customerPhoneNumber: string; id?: string; customerFirst?: boolean },
  ): Contact;
  /** INITIATED, plus QUEUED when a queueId is given. */
  startContact(
    instanceId: string,
    input: {
      channel: Channel | string;
      initiationMethod: InitiationMethod | string;
      queueId?: string;
      id?: string;
      customerPhoneNumber?: string;
    },
  ): Contact;
  /** CONNECTED_TO_AGENT; the contact leaves its queue (a callback is accepted and answered on the way). */
  connectToAgent(instanceId: string, contactId: string, userId: string): Contact;
  /** DISCONNECTED then COMPLETED (the customer hangs up). */
  disconnect(instanceId: string, contactId: string): Contact;
  /** A queued agent-first callback rings at an agent: AgentInfo.Id, RingStartTimestamp; still in queue. */
  offer(instanceId: string, contactId: string, agentId: string): Contact;
  /** The agent accepts an offered (or queued) callback: out of the queue, AcceptedByAgentTimestamp, dialling. */
  accept(instanceId: string, contactId: string, agentId?: string): Contact;
  /**
   * The dial's outcome: `answered` connects; otherwise `then` (default `requeue`) dials again, puts it
   * back in its queue, or gives up. On a customer-first dialled leg, a retry is a new queued leg (returned).
   */
  dialResult(
    instanceId: string,
    contactId: string,
    result: DialResult,
    then?: AfterFailedDial,
  ): Contact;
  /** An offered or dialling callback goes back to its queue (new EnqueueTimestamp, QUEUED). */
  requeue(instanceId: string, contactId: string): Contact;
  /** Connect starts dialling a customer-first callback: the queued leg ends, the dialled leg (returned) begins. */
  dial(instanceId: string, contactId: string): Contact;
}

export interface LocalConnectSettings {
  get(): LocalSettings;
  /** Changes some settings; returns them all. */
  set(change: Partial<LocalSettings>): LocalSettings;
}

export interface LocalConnectEvents {
  subscribe(listener: (event: ContactEvent) => void): () => void;
  setDelivery(options: EventDeliverySetting): void;
  /** Delivers everything pending (the reorder window) and resolves when done. */
  flush(): Promise<void>;
  /** Every event emitted (before loss or duplication), oldest first. */
  history(): ContactEvent[];
  stats(): EventDeliveryStats;
}

export interface LocalConnectFaults {
  set(operation: OperationName, fault: FaultSetting): void;
  clear(): void;
}

export interface LocalConnectQuotas {
  /** Replaces one operation's quota (with a full bucket), or switches it off with `false`. */
  set(operation: OperationName, quota: QuotaSetting | false): void;
  enable(enabled: boolean): void;
}

export interface LocalConnect {
  /** e.g. 'http://127.0.0.1:43123' — give it to the SDK as `endpoint`. */
  readonly endpoint: string;
  readonly port: number;
  readonly region: string;
  readonly accountId: string;
  readonly clock: LocalConnectClock;
  readonly seed: LocalConnectSeed;
  readonly actions: LocalConnectActions;
  readonly events: LocalConnectEvents;
  readonly faults: LocalConnectFaults;
  readonly quotas: LocalConnectQuotas;
  readonly settings: LocalConnectSettings;
  /** Every request to the Connect API, numbered on the sequence contact histories share. */
  requestLog(): RequestLogEntry[];
  /** What happened to one contact, oldest first. */
  history(instanceId: string, contactId: string): ContactHistoryEntry[];
  clearRequestLog(): void;
  /** The whole state as plain JSON. */
  state(): unknown;
  /** Seeds a scenario on top of the current state. */
  applyScenario(scenario: Scenario): void;
  /**
   * Empties the state, request log, faults, event history and delivery settings, restores the
   * starting quotas, then seeds `scenario` if given. Event listeners stay. Resolves once every
   * reset listener (onReset) has caught up; the state itself is reset before it returns.
   */
  reset(scenario?: Scenario): Promise<void>;
  /** Calls `listener` after every reset (TypeScript or control API), e.g. to reset a registry. */
  onReset(listener: () => Promise<void> | void): () => void;
  close(): Promise<void>;
}
