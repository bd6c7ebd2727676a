import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalConnect, LocalConnectOptions } from './api.js';
import { CallbackLifecycle } from './callbacks.js';
import { ControllableClock } from './clock.js';
import { ContactLifecycle } from './contacts.js';
import { createControlHandler } from './control.js';
import { ContactEventBus } from './events.js';
import { FaultTable } from './faults.js';
import { QuotaTable } from './quotas.js';
import { SeededRandom } from './random.js';
import { RequestLog } from './request-log.js';
import { connectRoutes } from './routes.js';
import { parseScenario, type Scenario } from './scenario.js';
import { applyScenario } from './scenario-apply.js';
import { Sequence } from './sequence.js';
import { createRequestListener } from './server.js';
import { SettingsStore } from './settings.js';
import { ConnectState } from './state.js';

/** Starts a local Amazon Connect on 127.0.0.1 (an ephemeral port unless told otherwise). */
export async function startLocalConnect(options: LocalConnectOptions = {}): Promise<LocalConnect> {
  const region = options.region ?? 'us-east-1';
  const accountId = options.accountId ?? '123456789012';
  const scenario = options.scenario ? parseScenario(options.scenario) : undefined;
  const clockStart =
    options.clockStart ?? (scenario?.clockStart ? new Date(scenario.clockStart) : undefined);
  const clock = new ControllableClock({
    ...(clockStart ? { start: clockStart } : {}),
    frozen: options.freezeClock ?? false,
  });
  const random = new SeededRandom(options.seed ?? 1);
  const state = new ConnectState(region, accountId);
  const bus = new ContactEventBus(random);
  const sequence = new Sequence();
  const contacts = new ContactLifecycle(state, clock, bus, sequence);
  const callbacks = new CallbackLifecycle(contacts);
  let quotas = new QuotaTable(options.quotas ?? true);
  const faults = new FaultTable(random);
  const requestLog = new RequestLog();
  const settings = new SettingsStore(options.settings);
  const targets = { state, contacts, clock, settings };
  if (scenario) applyScenario(scenario, targets);

  const resetListeners = new Set<() => Promise<void> | void>();
  const server: Server = createServer();
  const localConnect: LocalConnect = {
    endpoint: '',
    port: 0,
    region,
    accountId,
    clock: {
      now: () => clock.now(),
      advance: (ms) => clock.advance(ms),
      set: (epochMs) => clock.set(epochMs),
    },
    seed: {
      instance: (input) => ({ ...state.addInstance(input) }),
      queue: (instanceId, input) => ({ ...state.addQueue(instanceId, input) }),
      securityProfile: (instanceId, input) =>
        structuredClone(state.addSecurityProfile(instanceId, input)),
      user: (instanceId, input) => structuredClone(state.addUser(instanceId, input, clock.now())),
      contact: (instanceId, input) => contacts.seed(instanceId, input),
      lambdaFunction: (instanceId, functionArn) =>
        state.associateLambdaFunction(instanceId, functionArn),
    },
    actions: {
      queueCallback: (instanceId, input) => contacts.queueCallback(instanceId, input),
      startContact: (instanceId, input) => contacts.startContact(instanceId, input),
      connectToAgent: (instanceId, contactId, userId) =>
        contacts.connectToAgent(instanceId, contactId, userId),
      disconnect: (instanceId, contactId) => contacts.disconnect(instanceId, contactId),
      offer: (instanceId, contactId, agentId) => callbacks.offer(instanceId, contactId, agentId),
      accept: (instanceId, contactId, agentId) => callbacks.accept(instanceId, contactId, agentId),
      dialResult: (instanceId, contactId, result, then) =>
        callbacks.dialResult(instanceId, contactId, result, then),
      requeue: (instanceId, contactId) => callbacks.requeue(instanceId, contactId),
      dial: (instanceId, contactId) => callbacks.dial(instanceId, contactId),
    },
    settings: {
      get: () => settings.get(),
      set: (change) => settings.set(change),
    },
    events: {
      subscribe: (listener) => bus.subscribe(listener),
      setDelivery: (setting) => bus.setDelivery(setting),
      flush: () => bus.flush(),
      history: () => bus.history(),
      stats: () => bus.stats(),
    },
    faults: {
      set: (operation, fault) => faults.set(operation, fault),
      clear: () => faults.clear(),
    },
    quotas: {
      set: (operation, quota) => quotas.set(operation, quota),
      enable: (enabled) => quotas.enable(enabled),
    },
    requestLog: () => requestLog.list(),
    history: (instanceId, contactId) => {
      const record = contacts.requireRecord(instanceId);
      return structuredClone(contacts.requireContact(record, contactId).history);
    },
    clearRequestLog: () => requestLog.clear(),
    state: () =>
      structuredClone({
        clock: { now: clock.now(), iso: new Date(clock.now()).toISOString() },
        ...state.toJSON(),
      }),
    applyScenario: (input: Scenario) => applyScenario(input, targets),
    reset: (input?: Scenario) => {
      state.clear();
      requestLog.clear();
      faults.clear();
      bus.clearHistoryAndDelivery();
      quotas = new QuotaTable(options.quotas ?? true);
      settings.restore();
      if (input) applyScenario(input, targets);
      return Promise.all([...resetListeners].map((listener) => listener())).then(() => undefined);
    },
    onReset: (listener) => {
      resetListeners.add(listener);
      return () => {
        resetListeners.delete(listener);
      };
    },
    close: async () => {
      await bus.flush();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
    },
  };

  server.on(
    'request',
    createRequestListener({
      context: { state, clock, contacts, settings: () => settings.get() },
      get quotas() {
        return quotas;
      },
      faults,
      requestLog,
      sequence,
      authorize: options.authorize,
      region,
      accountId,
      control: createControlHandler(localConnect, {
        quotasDescription: () => quotas.describe(),
        faultsDescription: () => faults.describe(),
        deliverySetting: () => bus.deliverySetting(),
      }),
    }),
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  // Read Connect's model while the caller prints its banner, not in the first request's time; a
  // failure surfaces on that request.
  connectRoutes().catch(() => undefined);
  const address = server.address() as AddressInfo;
  const host = endpointHost(address);
  return Object.assign(localConnect, {
    endpoint: `http://${host}:${address.port}`,
    port: address.port,
  });
}

/** A wildcard listen address is reachable on loopback; the endpoint names that. */
function endpointHost(address: AddressInfo): string {
  if (address.address === '0.0.0.0') return '127.0.0.1';
  if (address.address === '::') return '[::1]';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}
