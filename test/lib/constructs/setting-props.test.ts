import { Lazy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { checkSettingProp, settingsEnvironment } from '../../../lib/constructs/setting-props.js';

describe('checkSettingProp', () => {
  it("refuses a bad prop with one line naming it, the value and the table's bounds", () => {
    expect(() => checkSettingProp('apiBurstLimit', 0)).toThrow(
      new Error('throttlingBurstLimit is 0: use an integer from 1 to 5000'),
    );
  });

  it('accepts a good value, an unset one and a token left to the deploy', () => {
    expect(() => checkSettingProp('apiRateLimit', 2.5)).not.toThrow();
    expect(() => checkSettingProp('apiRateLimit', undefined)).not.toThrow();
    expect(() => checkSettingProp('apiRateLimit', Lazy.number({ produce: () => 0 }))).not.toThrow();
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
