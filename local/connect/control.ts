import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { LocalConnect } from './api.js';
import { registerContactRoutes } from './control-contacts.js';
import { type ControlHandler, type Params, parse } from './control-input.js';
import { demoScenario } from './demo.js';
import { parseDurationMs } from './duration.js';
import {
  InvalidLocalInputError,
  LocalEntityNotFoundError,
  LocalStateConflictError,
  ScenarioValidationError,
} from './errors.js';
import { readBody, sendJson } from './protocol.js';
import { parseScenario, type Scenario, scenarioContactSchema } from './scenario.js';
import { toContactSeed } from './scenario-apply.js';
import { OPERATION_NAMES, type OperationName } from './types.js';

/** Read-only views the control API shows but the public TypeScript API does not need. */
export interface ControlIntrospection {
  quotasDescription(): unknown;
  faultsDescription(): unknown;
  deliverySetting(): unknown;
  webhooks(): string[];
}

type ControlRoute = { method: string; pattern: string[]; handle: ControlHandler };

const rate = z.number().min(0).max(1);
const operationName = z.enum(OPERATION_NAMES);
const schemas = {
  instance: z.strictObject({ id: z.string().optional(), alias: z.string().optional() }),
  queue: z.strictObject({ id: z.string().optional(), name: z.string().min(1) }),
  securityProfile: z.strictObject({
    id: z.string().optional(),
    name: z.string().min(1),
    permissions: z.array(z.string().min(1)),
  }),
  user: z.strictObject({
    id: z.string().optional(),
    username: z.string().min(1),
    securityProfileIds: z.array(z.string().min(1)).min(1),
  }),
  advance: z.union([z.strictObject({ ms: z.number() }), z.strictObject({ by: z.string().min(1) })]),
  setClock: z.union([
    z.strictObject({ epochMs: z.number() }),
    z.strictObject({ iso: z.iso.datetime({ offset: true }) }),
  ]),
  fault: z.strictObject({
    errorRate: rate.optional(),
    throttleRate: rate.optional(),
    latencyMs: z.number().min(0).optional(),
    latencyJitterMs: z.number().min(0).optional(),
    dropAfterApplyRate: rate.optional(),
  }),
  quotasEnabled: z.strictObject({ enabled: z.boolean() }),
  quota: z.union([
    z.strictObject({ ratePerSecond: z.number().positive(), burst: z.number().min(1) }),
    z.strictObject({ enabled: z.literal(false) }),
  ]),
  delivery: z.strictObject({
    lossRate: rate.optional(),
    duplicateRate: rate.optional(),
    reorder: z.boolean().optional(),
  }),
  webhook: z.strictObject({ url: z.url() }),
  reset: z.strictObject({ scenario: z.union([z.literal('demo'), z.unknown()]).optional() }),
};

/** The control API under `/_local` (no SigV4): seed, act, steer the clock, faults, quotas and events. */
export function createControlHandler(connect: LocalConnect, introspect: ControlIntrospection) {
  const routes: ControlRoute[] = [];
  const on = (method: string, path: string, handle: ControlHandler) =>
    routes.push({ method, pattern: path.split('/').slice(1), handle });

  on('GET', '/_local/health', () => ({
    status: 'ok',
    endpoint: connect.endpoint,
    region: connect.region,
  }));
  on('GET', '/_local/state', () => connect.state());
  on('POST', '/_local/reset', (_, body) => {
    const { scenario } = parse(schemas.reset, body ?? {});
    connect.reset(scenario === undefined ? undefined : toScenario(scenario));
    return connect.state();
  });
  on('POST', '/_local/scenario', (_, body) => {
    connect.applyScenario(parseScenario(body, 'request body'));
    return connect.state();
  });
  on('POST', '/_local/instances', (_, body) =>
    connect.seed.instance(parse(schemas.instance, body ?? {})),
  );
  on('POST', '/_local/instances/{instanceId}/queues', (p, body) =>
    connect.seed.queue(p.instanceId as string, parse(schemas.queue, body)),
  );
  on('POST', '/_local/instances/{instanceId}/security-profiles', (p, body) =>
    connect.seed.securityProfile(p.instanceId as string, parse(schemas.securityProfile, body)),
  );
  on('POST', '/_local/instances/{instanceId}/users', (p, body) =>
    connect.seed.user(p.instanceId as string, parse(schemas.user, body)),
  );
  on('POST', '/_local/instances/{instanceId}/contacts', (p, body) =>
    connect.seed.contact(
      p.instanceId as string,
      toContactSeed(parse(scenarioContactSchema, body), connect.clock.now()),
    ),
  );
  registerContactRoutes(on, connect);

  const clockView = () => ({
    now: connect.clock.now(),
    iso: new Date(connect.clock.now()).toISOString(),
  });
  on('GET', '/_local/clock', clockView);
  on('POST', '/_local/clock/advance', (_, body) => {
    const input = parse(schemas.advance, body);
    connect.clock.advance(
      'ms' in input ? input.ms : invalidOnRangeError(() => parseDurationMs(input.by)),
    );
    return clockView();
  });
  on('POST', '/_local/clock/set', (_, body) => {
    const input = parse(schemas.setClock, body);
    connect.clock.set('epochMs' in input ? input.epochMs : Date.parse(input.iso));
    return clockView();
  });

  on('GET', '/_local/faults', () => introspect.faultsDescription());
  on('PUT', '/_local/faults/{operation}', (p, body) => {
    connect.faults.set(operation(p), parse(schemas.fault, body));
    return introspect.faultsDescription();
  });
  on('DELETE', '/_local/faults', () => {
    connect.faults.clear();
    return introspect.faultsDescription();
  });

  on('GET', '/_local/quotas', () => introspect.quotasDescription());
  on('PUT', '/_local/quotas', (_, body) => {
    connect.quotas.enable(parse(schemas.quotasEnabled, body).enabled);
    return introspect.quotasDescription();
  });
  on('PUT', '/_local/quotas/{operation}', (p, body) => {
    const quota = parse(schemas.quota, body);
    connect.quotas.set(operation(p), 'enabled' in quota ? false : quota);
    return introspect.quotasDescription();
  });

  const eventsView = () => ({
    delivery: introspect.deliverySetting(),
    webhooks: introspect.webhooks(),
    stats: connect.events.stats(),
    events: connect.events.history(),
  });
  on('GET', '/_local/events', eventsView);
  on('PUT', '/_local/events/delivery', (_, body) => {
    connect.events.setDelivery(parse(schemas.delivery, body));
    return introspect.deliverySetting();
  });
  on('POST', '/_local/events/webhooks', (_, body) => {
    connect.events.addWebhook(parse(schemas.webhook, body).url);
    return { webhooks: introspect.webhooks() };
  });
  on('DELETE', '/_local/events/webhooks', () => {
    connect.events.removeWebhooks();
    return { webhooks: introspect.webhooks() };
  });
  on('POST', '/_local/events/flush', async () => {
    await connect.events.flush();
    return connect.events.stats();
  });

  on('GET', '/_local/requests', () => connect.requestLog());
  on('DELETE', '/_local/requests', () => {
    connect.clearRequestLog();
    return [];
  });

  return async (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    query: URLSearchParams,
  ): Promise<void> => {
    const method = request.method ?? 'GET';
    const parts = splitPath(pathname);
    const match = parts && findRoute(routes, method, parts);
    if (!match) {
      sendJson(response, 404, {
        error: 'NotFound',
        message: `no control endpoint ${method} ${pathname}; the control API is described in local/README.md`,
      });
      return;
    }
    try {
      const text = await readBody(request);
      const body = text.trim() === '' ? undefined : parseJson(text);
      sendJson(response, 200, (await match.route.handle(match.params, body, query)) ?? {});
    } catch (error) {
      const status =
        error instanceof LocalEntityNotFoundError
          ? 404
          : error instanceof LocalStateConflictError
            ? 409
            : isInputError(error)
              ? 400
              : 500;
      const name = error instanceof Error ? error.name : 'Error';
      const message = error instanceof Error ? error.message : String(error);
      sendJson(response, status, { error: name, message });
    }
  };
}

function toScenario(value: unknown): Scenario {
  return value === 'demo' ? demoScenario() : parseScenario(value, 'request body scenario');
}

function operation(params: Params): OperationName {
  const name = params.operation as string;
  const result = operationName.safeParse(name);
  if (!result.success) {
    throw new LocalEntityNotFoundError(
      `no operation ${name}; operations: ${OPERATION_NAMES.join(', ')}`,
    );
  }
  return result.data;
}

function invalidOnRangeError<T>(compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    throw new InvalidLocalInputError((error as Error).message, { cause: error });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidLocalInputError('request body is not valid JSON');
  }
}

function isInputError(error: unknown): boolean {
  return (
    error instanceof InvalidLocalInputError ||
    error instanceof ScenarioValidationError ||
    error instanceof RangeError ||
    error instanceof TypeError
  );
}

function splitPath(pathname: string): string[] | undefined {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    return undefined;
  }
}

function findRoute(
  routes: ControlRoute[],
  method: string,
  parts: string[],
): { route: ControlRoute; params: Params } | undefined {
  for (const route of routes) {
    if (route.method !== method || route.pattern.length !== parts.length) continue;
    const params: Params = {};
    const matched = route.pattern.every((segment, i) => {
      const part = parts[i] as string;
      if (segment.startsWith('{')) {
        params[segment.slice(1, -1)] = part;
        return part !== '';
      }
      return segment === part;
    });
    if (matched) return { route, params };
  }
  return undefined;
}
