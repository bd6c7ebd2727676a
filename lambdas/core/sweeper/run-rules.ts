import { everyQueue, type QueueSet } from '../registry/registry-item.js';
import { rulesOf, type SweepSettings } from './config.js';
import { keepsOldest, matchRule, type SweepRule } from './sweep-policies.js';

/**
 * How one run's rules decide the callbacks of one instance. Every rule takes part in the match,
 * in order, so the first match decides even in a run of one rule or clear (`onlyRule`); only the
 * acting rules have an age to end at.
 */

/** What the rules say about one callback of the instance, by its queue. */
export type RuleMatch =
  /** No rule matches: the callback is left alone (`no-rule`). */
  | { kind: 'none' }
  /** A rule other than the run's only rule matches first: left alone (`other-rule`). */
  | { kind: 'other'; rule: SweepRule }
  /** An acting rule matches first: a callback enqueued before `cutoffMs` is stuck under it. */
  | { kind: 'acting'; rule: SweepRule; cutoffMs: number };

/** The rules that may decide a callback of this instance, in order (all of them without one). */
function rulesIn(settings: SweepSettings, instanceId: string | undefined): SweepRule[] {
  return rulesOf(settings).filter(
    (rule) => !rule.instanceId || instanceId === undefined || rule.instanceId === instanceId,
  );
}

/** Whether a rule acts in this run: every rule, or the one a rule or clear run names. */
function acts(settings: SweepSettings, rule: SweepRule): boolean {
  return settings.onlyRule === undefined || rule.name === settings.onlyRule;
}

/** The youngest age an acting rule ends at (in this instance): the age the index is read with. */
export function minAgeMs(settings: SweepSettings, instanceId?: string): number {
  const ages = rulesIn(settings, instanceId)
    .filter((rule) => acts(settings, rule))
    .map((rule) => rule.maxQueuedAgeMs);
  return ages.length > 0 ? Math.min(...ages) : settings.maxQueuedAgeMs;
}

export class InstanceRules {
  readonly #rules: SweepRule[];
  readonly #cutoffs = new Map<SweepRule, number>();

  /**
   * @param anyAge an operator's selection: it replaces the age test, so any age qualifies under
   *   an acting rule; the rest of the rule (its queues, its mode) holds.
   */
  constructor(settings: SweepSettings, instanceId: string, nowMs: number, anyAge: boolean) {
    this.#rules = rulesIn(settings, instanceId);
    for (const rule of this.#rules) {
      if (!acts(settings, rule)) continue;
      this.#cutoffs.set(rule, anyAge ? Number.MAX_SAFE_INTEGER : nowMs - rule.maxQueuedAgeMs);
    }
  }

  /** No rule can end anything in this instance: nothing to read. */
  get idle(): boolean {
    return this.#cutoffs.size === 0;
  }

  /** An acting rule keeps the oldest of duplicates, so the whole index is read. */
  get duplicates(): boolean {
    return keepsOldest([...this.#cutoffs.keys()]);
  }

  /**
   * How far the index is read. Duplicates can be young, so that policy reads every queued
   * callback, oldest first; else the youngest acting rule's cutoff, and each callback's rule decides.
   */
  get readBeforeMs(): number {
    return this.duplicates ? Number.MAX_SAFE_INTEGER : Math.max(...this.#cutoffs.values());
  }

  /** The first rule that matches a callback of this instance in this queue, and what it may do. */
  match(instanceId: string, queueId: string | undefined): RuleMatch {
    const rule = matchRule(this.#rules, instanceId, queueId);
    if (!rule) return { kind: 'none' };
    const cutoffMs = this.#cutoffs.get(rule);
    return cutoffMs === undefined ? { kind: 'other', rule } : { kind: 'acting', rule, cutoffMs };
  }

  /**
   * How the instance's index is shared among its rules, so they take turns (run-candidates.ts):
   * each acting rule's queues, by the registry's queue and first match as `match` decides, then
   * whatever no acting rule claims (read for the report and reconciliation, at no Connect call).
   * One set of every queue when at most one rule acts: there is nothing to share.
   */
  get shares(): QueueSet[] {
    const claimed = new Set<string>();
    const acting: QueueSet[] = [];
    for (const rule of this.#rules) {
      let share: QueueSet | undefined;
      if (rule.queues === '*') {
        share = { except: [...claimed] };
      } else {
        const own = rule.queues.filter((queueId) => !claimed.has(queueId));
        for (const queueId of own) claimed.add(queueId);
        if (own.length > 0) share = { only: own };
      }
      if (share && this.#cutoffs.has(rule)) acting.push(share);
      // Every later rule is shadowed: its callbacks are this rule's.
      if (rule.queues === '*') break;
    }
    if (acting.length <= 1) return [everyQueue];
    const rest = outside(acting);
    return rest ? [...acting, rest] : acting;
  }
}

/** The queues none of these disjoint shares holds; undefined when they hold every queue. */
function outside(shares: readonly QueueSet[]): QueueSet | undefined {
  const listed = shares.flatMap((share) => ('only' in share ? share.only : []));
  const wildcard = shares.find((share) => 'except' in share);
  if (!wildcard || !('except' in wildcard)) return { except: listed };
  const left = wildcard.except.filter((queueId) => !listed.includes(queueId));
  return left.length > 0 ? { only: left } : undefined;
}
