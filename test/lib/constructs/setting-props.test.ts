import { Lazy } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { checkSettingProp } from '../../../lib/constructs/setting-props.js';

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
