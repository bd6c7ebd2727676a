import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../../../lambdas/core/errors.js';
import {
  ContextSettings,
  checkProps,
  keepOldestAsked,
  propSettingsOf,
  propsEnvironment,
  readEnvSettings,
  settingNamesOf,
  settingsEnvironment,
} from '../../../../lambdas/core/settings/read.js';

/** A context of these keys, as cdk.json or `-c` gives them. */
const contextOf = (values: Record<string, unknown>) => new ContextSettings((key) => values[key]);

/** Nothing is a token outside a CDK app. */
const noTokens = () => false;

describe('the environment source', () => {
  it("reads a function's settings in the table's order, each from its variable, blank as its default", () => {
    const values = readEnvSettings(settingNamesOf('callback-sweeper'), {
      GET_CONTACT_METRICS_RPS: '1.5',
      SWEEP_MODE: 'END',
    });

    expect(values).toMatchObject({
      getContactMetricsRatePerSecond: 1.5,
      sweepMode: 'end',
      maxStopsPerRun: 50,
      maxQueuedAge: 24 * 3_600_000,
      queueAllowList: [],
    });
  });

  it('refuses a bad value naming its environment variable', () => {
    expect(() =>
      readEnvSettings(['getContactMetricsRatePerSecond'], { GET_CONTACT_METRICS_RPS: '0' }),
    ).toThrow(
      new ConfigurationError(
        'environment variable GET_CONTACT_METRICS_RPS must be a number from 0.1 to 1000, got "0"',
      ),
    );
  });
});

describe('the CDK context source', () => {
  it("reads a construct's settings as its props, under the props' names", () => {
    const context = contextOf({ getContactMetricsRatePerSecond: '3', sweepMode: 'end' });

    expect(context.props('CallbackSweeper')).toMatchObject({
      getContactMetricsRatePerSecond: 3,
      mode: 'end',
      maxStopsPerRun: 50,
      schedule: 'rate(15 minutes)',
      reserveConcurrency: true,
    });
    expect(context.problems).toEqual([]);
  });

  it('refuses a bad value naming its context key and the fix, and keeps reading the others', () => {
    const context = contextOf({ getContactMetricsRatePerSecond: 'fast', maxStopsPerRun: -1 });

    const props = context.props('CallbackSweeper');

    expect(context.problems).toEqual([
      'context key maxStopsPerRun must be an integer from 0 to 100000, got -1: set -c maxStopsPerRun=<value> or fix it in cdk.json',
      'context key getContactMetricsRatePerSecond must be a number from 0.1 to 1000, got "fast": set -c getContactMetricsRatePerSecond=<value> or fix it in cdk.json',
    ]);
    expect(props.getContactMetricsRatePerSecond).toBe(2);
  });

  it('leaves a skipped setting to its own parser', () => {
    const context = contextOf({ sweepPolicies: 'not JSON' });

    expect(context.props('CallbackSweeper', ['sweepPolicies'])).not.toHaveProperty('policies');
    expect(context.problems).toEqual([]);
    expect(context.raw('sweepPolicies')).toBe('not JSON');
  });
});

describe('the construct props source', () => {
  it("names each of a construct's props as the table does, flat", () => {
    const props = propSettingsOf('CallbackSweeper').map(({ prop }) => prop);

    expect(props).toContain('getContactMetricsRatePerSecond');
    expect(props.every((prop) => !prop.includes('.'))).toBe(true);
  });

  it("gives a prop to the function's environment under its variable, and an unset one its default", () => {
    const environment = propsEnvironment('CallbackSweeper', {
      getContactMetricsRatePerSecond: 1.5,
      queueDenyList: ['q-1', 'q-2'],
    });

    expect(environment).toMatchObject({
      GET_CONTACT_METRICS_RPS: '1.5',
      QUEUE_DENY_LIST: 'q-1,q-2',
      SWEEP_MODE: 'report',
      MAX_STOPS_PER_RUN: '50',
    });
    expect(environment).not.toHaveProperty('PHONE_HASH_SALT');
  });

  it('refuses a bad prop naming it, the value and what it must be', () => {
    expect(() =>
      checkProps('CallbackSweeper', { getContactMetricsRatePerSecond: 0 }, [], noTokens),
    ).toThrow(new Error('getContactMetricsRatePerSecond is 0: use a number from 0.1 to 1000'));
  });

  it('leaves out the props the construct converts itself, and a value the deploy resolves', () => {
    expect(() =>
      checkProps(
        'CallbackSweeper',
        { schedule: { expressionString: 'rate(1 hour)' } },
        ['schedule'],
        noTokens,
      ),
    ).not.toThrow();
    expect(() =>
      checkProps('CallbackSweeper', { maxStopsPerRun: -1 }, [], (value) => value === -1),
    ).not.toThrow();
  });
});

describe('settingsEnvironment', () => {
  it("names each variable from the table and fills an unset value with the table's default", () => {
    expect(
      settingsEnvironment({
        sweepMode: undefined,
        queueDenyList: ['q-1', 'q-2'],
        maxStopsPerRun: 7,
        phoneHashSalt: undefined,
      }),
    ).toEqual({ SWEEP_MODE: 'report', QUEUE_DENY_LIST: 'q-1,q-2', MAX_STOPS_PER_RUN: '7' });
  });
});

describe('keepOldestAsked', () => {
  it('says keep-oldest is asked globally, by a rule, or nowhere', () => {
    const off = { duplicatesPolicy: 'off' };
    const keep = { duplicatesPolicy: 'keep-oldest' };

    expect(keepOldestAsked('keep-oldest', [off])).toEqual({ global: true, rule: false, any: true });
    expect(keepOldestAsked('off', [off, keep])).toEqual({ global: false, rule: true, any: true });
    expect(keepOldestAsked('off', undefined)).toEqual({ global: false, rule: false, any: false });
  });
});
