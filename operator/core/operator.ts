import { createConnectClient } from '../../lambdas/core/connect/client.js';
import { toOwnInstanceId } from '../../lambdas/core/connect/identifiers.js';
import type { Outcome } from '../../lambdas/core/connect/outcome.js';
import { createEndContactDeps } from '../../lambdas/core/end-contact/config.js';
import { endContactWithin } from '../../lambdas/core/end-contact/end-contact.js';
import type { QueuedCallback, StoredItem } from '../../lambdas/core/registry/registry.js';
import { contactIdSchema, parseWith, securityUserSchema } from '../../lambdas/core/schemas.js';
import {
  type SweepOptions,
  type SweepSettings,
  sweepOptions,
} from '../../lambdas/core/sweeper/config.js';
import { InstanceRules } from '../../lambdas/core/sweeper/decide.js';
import { createSweepDeps } from '../../lambdas/core/sweeper/deps.js';
import { applyOverrides, type SweepOverrides } from '../../lambdas/core/sweeper/overrides.js';
import type { SweepDecision, SweepReport } from '../../lambdas/core/sweeper/report.js';
import { sweepStuckCallbacks } from '../../lambdas/core/sweeper/run.js';
import type {
  AuditRecord,
  CallbackFilter,
  EndContactInput,
  EndRunOptions,
  OperatorApi,
  OperatorTarget,
  QueueOverview,
  TrackedCallback,
} from './api.js';
import { toAuditRecord } from './audit.js';
import { OperatorInputError } from './errors.js';
import { createNameResolver } from './names.js';
import { checkQueues, queueOverviews } from './queues.js';
import type { OperatorConnection } from './target.js';

export { OperatorInputError, TargetError } from './errors.js';

/**
 * The operator core: what the CLI and the console do, over the sweeper's own clients (its rate
 * limits) and the registry. Every end goes through sweepStuckCallbacks with the deployed sweeper's
 * settings and a mode `end` override, which runs the deployment's end rules now: with sweep
 * policies each rule's mode binds (a report-mode rule is never ended); without them the one-rule
 * default's mode is only the schedule's, and an operator's end sets it (docs/sweep-policies.md).
 * An operator may narrow a run (queues, age, cap), never widen it.
 */
export function createOperatorApi(connection: OperatorConnection): OperatorApi {
  const { target, sweeper: config, endpoints } = connection;
  const now = connection.now ?? Date.now;
  const deps = createSweepDeps(config, endpoints, now);
  const { registry } = deps;
  const endClient = createConnectClient(connection.endContact.connect, {
    ...endpoints.clientConfig,
    ...(endpoints.connectEndpoint ? { endpoint: endpoints.connectEndpoint } : {}),
  });
  const endDeps = createEndContactDeps(connection.endContact, endClient);
  const names = createNameResolver(deps.connect, { now: Date.now });
  const allInstances = (each: (instanceId: string) => Promise<unknown[]>) =>
    Promise.all(target.instanceIds.map(each)).then((lists) => lists.flat());

  /** The deployed settings, narrowed by the operator: queue lists intersect, the cap only drops. */
  async function settingsFor(overrides: SweepOverrides): Promise<SweepSettings> {
    const configured = config.settings;
    const outside = (overrides.instanceIds ?? []).filter((id) => !target.instanceIds.includes(id));
    if (outside.length > 0) {
      throw new OperatorInputError(
        `--instance ${outside.join(', ')} is not swept by ${target.label} (it sweeps ${target.instanceIds.join(', ')})`,
      );
    }
    const chosen = overrides.queueAllowList?.length
      ? await checkQueues(deps.connect, target, overrides.queueAllowList)
      : undefined;
    const allowed = configured.queueAllowList;
    const narrowed =
      chosen && allowed.length > 0 ? chosen.filter((q) => allowed.includes(q)) : chosen;
    if (chosen && narrowed?.length === 0) {
      throw new OperatorInputError(
        `--queue ${chosen.join(', ')}: the sweeper's queueAllowList excludes it (${allowed.join(', ')})`,
      );
    }
    return overriding(configured, {
      ...overrides,
      ...(narrowed ? { queueAllowList: narrowed } : {}),
      queueDenyList: [
        ...new Set([...configured.queueDenyList, ...(overrides.queueDenyList ?? [])]),
      ],
      maxStops: Math.min(configured.maxStops, overrides.maxStops ?? configured.maxStops),
      // An operator's run acts on what the registry tracks; `queues` shows what it does not.
      discoverCallbacks: false,
      reconcile: false,
    });
  }

  /** One at a time, so a stop leaves one call in flight, with no deadline but the operator's. */
  function runOptions(options?: EndRunOptions, total = 0): SweepOptions {
    let done = 0;
    const onDecision = options?.onDecision;
    return {
      ...sweepOptions(config, { timeLeftMs: () => Number.POSITIVE_INFINITY }),
      concurrency: 1,
      operatorRun: 'end',
      ...(options?.stopSignal ? { stopSignal: options.stopSignal } : {}),
      ...(options?.requestedBy ? { requestedBy: options.requestedBy } : {}),
      ...(onDecision
        ? { onDecision: (d: SweepDecision) => onDecision(d, ++done, Math.max(total, done)) }
        : {}),
    };
  }

  /** How many registry entries a run will read (as it reads them): the progress bar's total. */
  async function countQueued(settings: SweepSettings): Promise<number> {
    let count = 0;
    const nowMs = now();
    for (const instanceId of settings.instanceIds) {
      const rules = new InstanceRules(settings, instanceId, nowMs, false);
      if (rules.idle) continue;
      const pages = registry.queuedBefore(instanceId, rules.readBeforeMs, {
        pageSize: config.values.registryPageSize,
      });
      for await (const page of pages) count += page.length;
    }
    return count;
  }

  const api: OperatorApi = {
    target,

    async queues(): Promise<QueueOverview[]> {
      const nowMs = now();
      return (await allInstances(async (id) => {
        const [overviews, named] = await Promise.all([
          queueOverviews({ connect: deps.connect, registry, config }, id, nowMs),
          names.instance(id),
        ]);
        return overviews.map((q) => {
          const queueName = named.queues.get(q.queueId);
          return {
            ...q,
            ...(named.alias ? { instanceAlias: named.alias } : {}),
            ...(queueName ? { queueName } : {}),
          };
        });
      })) as QueueOverview[];
    },

    names: (instanceId) => names.instance(instanceId),

    async callbacks(filter: CallbackFilter = {}): Promise<TrackedCallback[]> {
      const queues = filter.queueIds?.length
        ? await checkQueues(deps.connect, target, filter.queueIds)
        : undefined;
      const limit = filter.limit ?? 1000;
      const nowMs = now();
      const beforeMs =
        filter.olderThanMs === undefined ? Number.MAX_SAFE_INTEGER : nowMs - filter.olderThanMs + 1;
      const found = (await allInstances(async (instanceId) => {
        const listed: QueuedCallback[] = [];
        const pages = registry.queuedBefore(instanceId, beforeMs, {
          pageSize: config.values.registryPageSize,
        });
        for await (const page of pages) {
          listed.push(...page.filter((c) => !queues || (c.queueId && queues.includes(c.queueId))));
          if (listed.length >= limit) break;
        }
        return listed;
      })) as QueuedCallback[];
      const listed = found.sort((a, b) => a.queuedAtMs - b.queuedAtMs).slice(0, limit);
      const named = new Map(
        await Promise.all(
          [...new Set(listed.map((c) => c.instanceId))].map(
            async (id) => [id, await names.instance(id)] as const,
          ),
        ),
      );
      return listed.map((c) => {
        const queueName = c.queueId ? named.get(c.instanceId)?.queues.get(c.queueId) : undefined;
        return {
          contactId: c.contactId,
          instanceId: c.instanceId,
          ...(c.queueId ? { queueId: c.queueId } : {}),
          ...(queueName ? { queueName } : {}),
          queuedAt: new Date(c.queuedAtMs).toISOString(),
          ageMs: nowMs - c.queuedAtMs,
        };
      });
    },

    async audit(limit = 50): Promise<AuditRecord[]> {
      const items = (await allInstances((id) => registry.auditTrail(id, limit))) as StoredItem[];
      return items
        .sort((a, b) => (b.auditAt ?? 0) - (a.auditAt ?? 0))
        .slice(0, limit)
        .map(toAuditRecord);
    },

    async preview(overrides: SweepOverrides = {}): Promise<SweepReport> {
      // The end run it previews (its rules, its modes), writing nothing.
      const settings = await settingsFor({ ...overrides, mode: 'end' });
      return sweepStuckCallbacks(deps, settings, { ...runOptions(), operatorRun: 'preview' });
    },

    async sweep(overrides: SweepOverrides, options: EndRunOptions): Promise<SweepReport> {
      const settings = await settingsFor({ ...overrides, mode: 'end' });
      const total = await countQueued(settings);
      return sweepStuckCallbacks(deps, settings, runOptions(options, total));
    },

    async endSelected(
      contactIds: string[],
      options: EndRunOptions,
      narrowing: SweepOverrides = {},
    ): Promise<SweepReport> {
      const ids = [...new Set(contactIds)];
      for (const id of ids) {
        const parsed = parseWith(contactIdSchema, id);
        if (!parsed.ok) {
          throw new OperatorInputError(`contact ID "${id}" ${parsed.errors[0]?.message}`);
        }
      }
      const entries = await Promise.all(ids.map((id) => registry.entry(id)));
      const unknown = ids.filter((_, i) => {
        const entry = entries[i];
        return !entry || !target.instanceIds.includes(entry.instanceId);
      });
      if (unknown.length > 0) {
        throw new OperatorInputError(
          `not a callback ${target.label} tracks: ${unknown.join(', ')} (end any contact with \`end\`)`,
        );
      }
      const selection = (entries as StoredItem[]).map(selected);
      // The age test is the selection's; the queues and the cap still narrow the run.
      const { maxQueuedAgeMs: _age, ...narrowed } = narrowing;
      const settings = await settingsFor({ ...narrowed, mode: 'end' });
      return sweepStuckCallbacks(deps, settings, {
        ...runOptions(options, selection.length),
        selection,
      });
    },

    async endContact(input: EndContactInput): Promise<Outcome> {
      const request = endContactRequest(input, target);
      const door = { deps: endDeps, deadlineMs: connection.endContact.deadlineMs };
      return endContactWithin(door, request, undefined);
    },

    async close(): Promise<void> {
      for (const client of [deps.connect, deps.lookClient, deps.stopClient, endClient]) {
        client?.destroy();
      }
    },
  };
  return api;
}

/** applyOverrides, with an unknown rule or schedule name refused as the operator's input. */
function overriding(configured: SweepSettings, overrides: SweepOverrides): SweepSettings {
  const applied = applyOverrides(configured, overrides);
  if (applied.ok) return applied.settings;
  throw new OperatorInputError(
    applied.errors.map(({ field, message }) => `${field} ${message}`).join('; '),
  );
}

/** A chosen entry as the sweep reads it; one no longer queued is still asked about, and skipped. */
function selected(entry: StoredItem): QueuedCallback {
  return {
    contactId: entry.contactId,
    instanceId: entry.instanceId,
    ...(entry.queueId ? { queueId: entry.queueId } : {}),
    queuedAtMs: entry.queuedAt ?? entry.lastEventAt,
    lastEventAtMs: entry.lastEventAt,
    lastEventRank: entry.lastEventRank,
  };
}

function endContactRequest(input: EndContactInput, target: OperatorTarget) {
  const { instanceIds } = target;
  const contactId = parseWith(contactIdSchema, input.contactId);
  if (!contactId.ok) {
    throw new OperatorInputError(`contactId ${contactId.errors[0]?.message}`);
  }
  const [only] = instanceIds;
  let instanceId = instanceIds.length === 1 ? only : undefined;
  if (input.instanceId !== undefined) {
    // The one parser of every door: an ARN of another account or Region is refused by name.
    const given = toOwnInstanceId(input.instanceId.trim(), {
      region: target.region,
      whose: "the target's",
      ...(target.accountId ? { accountId: target.accountId } : {}),
    });
    if (!given.ok) throw new OperatorInputError(`--instance ${given.message}`);
    instanceId = given.instanceId;
    // Connect would answer ResourceNotFoundException, which reads as an unknown contact.
    if (!instanceIds.includes(instanceId)) {
      throw new OperatorInputError(
        `--instance ${input.instanceId} is not an instance of the target: use one of ${instanceIds.join(', ')}`,
      );
    }
  }
  if (!instanceId) {
    throw new OperatorInputError(
      `--instance is required: the target has ${instanceIds.join(', ')}`,
    );
  }
  if (input.securityUser !== undefined) {
    const user = parseWith(securityUserSchema, input.securityUser);
    if (!user.ok) throw new OperatorInputError(`--security-user ${user.errors[0]?.message}`);
  }
  return {
    instanceId,
    contactId: contactId.value,
    ...(input.securityUser ? { securityUser: input.securityUser } : {}),
  };
}
