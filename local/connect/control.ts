import { z } from 'zod';
import { checkLoopback } from '../../common/http/guard.js';
import { errorReply, type JsonReply, parseJson } from '../../common/http/json.js';
import { Router } from '../../common/http/router.js';
import { createJsonListener, type LocalHandler } from '../../common/http/serve.js';
import { parseDurationMs } from '../../lambdas/core/duration.js';
import type { LocalConnect } from './api.js';
import { registerContactRoutes } from './control-contacts.js';
import { type ControlHandler, type Params, parse } from './control-input.js';
import { demoScenario } from './demo.js';
import {
  InvalidLocalInputError,
  LocalEntityNotFoundError,
  LocalStateConflictError,
  ScenarioValidationError,
} from './errors.js';
import { parseScenario, type Scenario, scenarioContactSchema } from './scenario.js';
import { toContactSeed } from './scenario-apply.js';
import { OPERATION_NAMES, type OperationName } from './types.js';

/** Read-only views the control API shows but the public TypeScript API does not need. */
export interface ControlIntrospection {
  quotasDescription(): unknown;
  faultsDescription(): unknown;
  deliverySetting(): unknown;
}

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
  reset: z.strictObject({ scenario: z.union([z.literal('demo'), z.unknown()]).optional() }),
};

/** The control API under `/_local` (no SigV4): seed, act, steer the clock, faults, quotas and events. */
export function createControlHandler(connect: LocalConnect, introspect: ControlIntrospection) {
  const router = new Router<LocalHandler>();
  const on = (method: string, path: string, handle: ControlHandler) =>
    router.add(method, path, async (request) => ({
      status: 200,
      body: (await handle(request.params, parseJson(request.text), request.query)) ?? {},
    }));

  on('GET', '/_local/health', () => ({
    status: 'ok',
    endpoint: connect.endpoint,
    region: connect.region,
  }));
  on('GET', '/_local/state', () => connect.state());
  on('POST', '/_local/reset', async (_, body) => {
    const { scenario } = parse(schemas.reset, body ?? {});
    await connect.reset(scenario === undefined ? undefined : toScenario(scenario));
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
    const ms = 'ms' in input ? input.ms : byDuration(input.by);
    namingField('ms' in input ? 'ms' : 'by', () => connect.clock.advance(ms));
    return clockView();
  });
  on('POST', '/_local/clock/set', (_, body) => {
    const input = parse(schemas.setClock, body);
    const epochMs = 'epochMs' in input ? input.epochMs : Date.parse(input.iso);
    namingField('epochMs' in input ? 'epochMs' : 'iso', () => connect.clock.set(epochMs));
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
    stats: connect.events.stats(),
    events: connect.events.history(),
  });
  on('GET', '/_local/events', eventsView);
  on('PUT', '/_local/events/delivery', (_, body) => {
    connect.events.setDelivery(parse(schemas.delivery, body));
    return introspect.deliverySetting();
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

  return createJsonListener(router, {
    // The control API changes state with no SigV4: only curl, scripts and tests may call it, on
    // the local Connect's own Host, never a browser page of another origin.
    guard: (request) =>
      checkLoopback(request, {
        port: connect.port,
        name: 'the local Connect',
        requireOrigin: false,
        hosts: connect.endpoint ? [new URL(connect.endpoint).host] : [],
      }),
    notFoundMessage: (method, pathname) =>
      `no control endpoint ${method} ${pathname}; the control API is described in docs/local-connect.md`,
    onError: controlErrorReply,
  });
}

/** Control errors as `{code, message}`: the code is the error's name, the status its kind. */
function controlErrorReply(error: unknown): JsonReply {
  const status =
    error instanceof LocalEntityNotFoundError
      ? 404
      : error instanceof LocalStateConflictError
        ? 409
        : isInputError(error)
          ? 400
          : 500;
  const name = error instanceof Error ? error.name : 'Error';
  return errorReply(status, name, error instanceof Error ? error.message : String(error));
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

function fieldError(field: string, message: string): InvalidLocalInputError {
  return new InvalidLocalInputError(`invalid request body:\n  ${field}: ${message}`);
}

function byDuration(text: string): number {
  const ms = parseDurationMs(text);
  if (ms === undefined) {
    throw fieldError('by', `duration ${JSON.stringify(text)} must look like 90s, 15m, 26h or 3d`);
  }
  return ms;
}

/** Runs a clock move; a refusal (RangeError, nothing changed) names the body field that asked for it. */
function namingField(field: string, move: () => void): void {
  try {
    move();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw fieldError(field, error.message);
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
