import { parseDurationMs } from '../../lambdas/core/duration.js';
import type { Clock } from './clock.js';
import type { ContactLifecycle } from './contacts.js';
import { ScenarioValidationError } from './errors.js';
import { parseScenario, type Scenario, type ScenarioContact, TIMESTAMPS } from './scenario.js';
import type { SettingsStore } from './settings.js';
import type { ConnectState } from './state.js';
import type { ContactSeed } from './types.js';

export interface ScenarioTargets {
  state: ConnectState;
  contacts: ContactLifecycle;
  clock: Clock;
  settings: SettingsStore;
}

/** Seeds a validated scenario into the state, silently. Relative times (`…Ago`) count back from the clock. */
export function applyScenario(scenario: Scenario, targets: ScenarioTargets): void {
  const checked = parseScenario(scenario);
  const now = targets.clock.now();
  if (checked.settings) targets.settings.set(definedOnly(checked.settings));
  checked.instances.forEach((input, i) => {
    const at = `instances[${i}]`;
    const instance = wrap(at, () =>
      targets.state.addInstance({
        ...(input.id === undefined ? {} : { id: input.id }),
        ...(input.alias === undefined ? {} : { alias: input.alias }),
      }),
    );
    input.queues?.forEach((queue, q) => {
      wrap(`${at}.queues[${q}]`, () => targets.state.addQueue(instance.id, queue));
    });
    input.securityProfiles?.forEach((profile, p) => {
      wrap(`${at}.securityProfiles[${p}]`, () =>
        targets.state.addSecurityProfile(instance.id, profile),
      );
    });
    input.users?.forEach((user, u) => {
      wrap(`${at}.users[${u}]`, () => targets.state.addUser(instance.id, user, now));
    });
    input.contacts?.forEach((contact, c) => {
      wrap(`${at}.contacts[${c}]`, () =>
        targets.contacts.seed(instance.id, toContactSeed(contact, now)),
      );
    });
  });
}

/** A scenario contact as a `seed.contact` input, with `…Ago` times counted back from `nowMs`. */
export function toContactSeed(contact: ScenarioContact, nowMs: number): ContactSeed {
  const { label: _label, ...rest } = contact;
  const seed: ContactSeed = { channel: rest.channel, initiationMethod: rest.initiationMethod };
  for (const key of [
    'id',
    'initialContactId',
    'previousContactId',
    'relatedContactId',
    'queueId',
    'agentId',
    'customerPhoneNumber',
    'attributes',
    'tags',
    'disconnectReason',
  ] as const) {
    if (rest[key] !== undefined) Object.assign(seed, { [key]: rest[key] });
  }
  for (const name of TIMESTAMPS) {
    const absolute = rest[`${name}At`];
    const ago = rest[`${name}Ago`];
    const ms =
      absolute !== undefined
        ? typeof absolute === 'number'
          ? absolute
          : Date.parse(absolute)
        : ago !== undefined
          ? nowMs - (parseDurationMs(ago) as number) // the scenario schema checked it
          : undefined;
    if (ms !== undefined) Object.assign(seed, { [`${name}At`]: ms });
  }
  return seed;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function wrap<T>(path: string, seed: () => T): T {
  try {
    return seed();
  } catch (error) {
    throw new ScenarioValidationError(`${path}: ${(error as Error).message}`, { cause: error });
  }
}
