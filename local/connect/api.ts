import type { EventDeliveryStats } from './events.js';
import type { Scenario } from './scenario.js';
import type {
  Channel,
  Contact,
  ContactEvent,
  ContactSeed,
  EventDeliverySetting,
  FaultSetting,
  InitiationMethod,
  Instance,
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
}

export interface LocalConnectActions {
  /** INITIATED then QUEUED: a VOICE contact initiated by CALLBACK. */
  queueCallback(
    instanceId: string,
    input: { queueId: string; customerPhoneNumber: string; id?: string },
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
  /** CONNECTED_TO_AGENT; the contact leaves its queue. */
  connectToAgent(instanceId: string, contactId: string, userId: string): Contact;
  /** DISCONNECTED (the customer hangs up). */
  disconnect(instanceId: string, contactId: string): Contact;
}

export interface LocalConnectEvents {
  subscribe(listener: (event: ContactEvent) => void): () => void;
  addWebhook(url: string): void;
  removeWebhooks(): void;
  setDelivery(options: EventDeliverySetting): void;
  /** Delivers everything pending (reorder window, webhooks) and resolves when done. */
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
  requestLog(): RequestLogEntry[];
  clearRequestLog(): void;
  /** The whole state as plain JSON. */
  state(): unknown;
  /** Seeds a scenario on top of the current state. */
  applyScenario(scenario: Scenario): void;
  /**
   * Empties the state, request log, faults, event history and delivery settings, restores the
   * starting quotas, then seeds `scenario` if given. Listeners and webhooks stay.
   */
  reset(scenario?: Scenario): void;
  close(): Promise<void>;
}
