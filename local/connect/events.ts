import { randomUUID } from 'node:crypto';
import type { SeededRandom } from './random.js';
import type {
  Contact,
  ContactEvent,
  ContactEventDetail,
  ContactEventType,
  EventDeliverySetting,
} from './types.js';

export type ContactEventListener = (event: ContactEvent) => void;

export interface EventDeliveryStats {
  emitted: number;
  lost: number;
  duplicated: number;
  /** Deliveries to listeners that completed (a duplicated event counts twice). */
  delivered: number;
}

export interface ContactEventBusOptions {
  /** Events held before a reordered batch is released. @default 5 */
  reorderWindowSize?: number;
  /** Longest an event waits in the reorder window, in real ms. @default 50 */
  reorderWindowMs?: number;
  /** Events kept in `history()`. @default 10000 */
  historyLimit?: number;
}

/**
 * Delivers contact events to in-process listeners, best effort like EventBridge:
 * with switchable loss, duplication (same event id twice) and reordering.
 */
export class ContactEventBus {
  private readonly listeners = new Set<ContactEventListener>();
  private delivery: Required<EventDeliverySetting> = {
    lossRate: 0,
    duplicateRate: 0,
    reorder: false,
  };
  private reorderWindow: ContactEvent[] = [];
  private reorderTimer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly emittedEvents: ContactEvent[] = [];
  private readonly counters: EventDeliveryStats = {
    emitted: 0,
    lost: 0,
    duplicated: 0,
    delivered: 0,
  };
  private readonly reorderWindowSize: number;
  private readonly reorderWindowMs: number;
  private readonly historyLimit: number;

  constructor(
    private readonly random: SeededRandom,
    options: ContactEventBusOptions = {},
  ) {
    this.reorderWindowSize = options.reorderWindowSize ?? 5;
    this.reorderWindowMs = options.reorderWindowMs ?? 50;
    this.historyLimit = options.historyLimit ?? 10_000;
  }

  subscribe(listener: ContactEventListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  setDelivery(options: EventDeliverySetting): void {
    for (const key of ['lossRate', 'duplicateRate'] as const) {
      const rate = options[key];
      if (rate !== undefined && !(rate >= 0 && rate <= 1)) {
        throw new RangeError(`${key} must be between 0 and 1, got ${rate}`);
      }
    }
    this.delivery = { ...this.delivery, ...definedOnly(options) };
    if (!this.delivery.reorder) this.releaseReorderWindow();
  }

  deliverySetting(): Required<EventDeliverySetting> {
    return { ...this.delivery };
  }

  publish(event: ContactEvent): void {
    this.counters.emitted++;
    this.emittedEvents.push(event);
    // Trim in chunks: shifting a long array on every event would cost O(n) each time.
    if (this.emittedEvents.length > this.historyLimit * 1.5) {
      this.emittedEvents.splice(0, this.emittedEvents.length - this.historyLimit);
    }
    if (this.random.chance(this.delivery.lossRate)) {
      this.counters.lost++;
      return;
    }
    const copies = this.random.chance(this.delivery.duplicateRate) ? 2 : 1;
    if (copies === 2) this.counters.duplicated++;
    for (let i = 0; i < copies; i++) {
      if (this.delivery.reorder) this.holdForReorder(event);
      else this.dispatch(event);
    }
  }

  /** Every event emitted, before loss or duplication, oldest first. */
  history(): ContactEvent[] {
    return this.emittedEvents.slice(-this.historyLimit);
  }

  stats(): EventDeliveryStats {
    return { ...this.counters };
  }

  /** Releases the reorder window and resolves once every pending delivery has finished. */
  async flush(): Promise<void> {
    this.releaseReorderWindow();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  /** Drops events waiting in the reorder window, forgets history and counters, restores reliable delivery. */
  clearHistoryAndDelivery(): void {
    if (this.reorderTimer) clearTimeout(this.reorderTimer);
    this.reorderTimer = undefined;
    this.reorderWindow = [];
    this.emittedEvents.length = 0;
    Object.assign(this.counters, {
      emitted: 0,
      lost: 0,
      duplicated: 0,
      delivered: 0,
    });
    this.delivery = { lossRate: 0, duplicateRate: 0, reorder: false };
  }

  private holdForReorder(event: ContactEvent): void {
    this.reorderWindow.push(event);
    if (this.reorderWindow.length >= this.reorderWindowSize) {
      this.releaseReorderWindow();
      return;
    }
    if (!this.reorderTimer) {
      this.reorderTimer = setTimeout(() => this.releaseReorderWindow(), this.reorderWindowMs);
      this.reorderTimer.unref();
    }
  }

  private releaseReorderWindow(): void {
    if (this.reorderTimer) clearTimeout(this.reorderTimer);
    this.reorderTimer = undefined;
    const batch = this.random.shuffle(this.reorderWindow);
    this.reorderWindow = [];
    for (const event of batch) this.dispatch(event);
  }

  private dispatch(event: ContactEvent): void {
    if (this.listeners.size === 0) return;
    const delivery = this.deliverEverywhere(event).finally(() => this.inFlight.delete(delivery));
    this.inFlight.add(delivery);
  }

  private async deliverEverywhere(event: ContactEvent): Promise<void> {
    // Let the request that caused the event finish first, as EventBridge delivers asynchronously.
    await Promise.resolve();
    const body = JSON.stringify(event);
    for (const listener of [...this.listeners]) {
      try {
        listener(JSON.parse(body) as ContactEvent);
        this.counters.delivered++;
      } catch {
        // A failing listener must not break the emulator or other listeners.
      }
    }
  }
}

export interface EventContext {
  region: string;
  accountId: string;
  instanceArn: string;
  nowMs: number;
}

/** Builds the EventBridge event Connect publishes for a contact's current state. */
export function buildContactEvent(
  eventType: ContactEventType,
  contact: Contact,
  context: EventContext,
): ContactEvent {
  const detail: ContactEventDetail = {
    eventType,
    contactId: contact.id,
    initialContactId: contact.initialContactId,
    ...(contact.previousContactId ? { previousContactId: contact.previousContactId } : {}),
    channel: contact.channel,
    initiationMethod: contact.initiationMethod,
    instanceArn: context.instanceArn,
    initiationTimestamp: isoMillis(contact.initiatedAt),
  };
  if (contact.disconnectedAt !== undefined) {
    detail.disconnectTimestamp = isoMillis(contact.disconnectedAt);
  }
  if (contact.queueId !== undefined && contact.enqueuedAt !== undefined) {
    detail.queueInfo = {
      queueArn: `${context.instanceArn}/queue/${contact.queueId}`,
      queueType: 'STANDARD',
      enqueueTimestamp: isoMillis(contact.enqueuedAt),
    };
  }
  if (contact.agentId !== undefined && contact.connectedToAgentAt !== undefined) {
    detail.agentInfo = {
      agentArn: `${context.instanceArn}/agent/${contact.agentId}`,
      connectedToAgentTimestamp: isoMillis(contact.connectedToAgentAt),
    };
  }
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Amazon Connect Contact Event',
    source: 'aws.connect',
    account: context.accountId,
    // EventBridge's envelope time has whole seconds; the detail keeps milliseconds.
    time: new Date(context.nowMs).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: context.region,
    resources: [context.instanceArn, contact.arn],
    detail,
  };
}

function isoMillis(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
