import { describe, expect, it } from 'vitest';
import { functionRoles, localStackContext } from '../../../local/iam/role-policies.js';

const instance =
  'arn:aws:connect:us-east-1:123456789012:instance/de300000-0000-4000-8000-000000000001';
const names = { region: 'us-east-1', accountId: '123456789012', tableName: 'callbacks' };

// Local IAM synthesizes one stack per set of instances, whatever the sweeper's settings: that
// holds only while no setting adds or removes a grant, which this checks for the settings that
// switch the sweeper's calls on and off.
describe('the roles local IAM enforces', () => {
  it('are the same whatever the settings that switch calls on and off', async () => {
    const base = await functionRoles(localStackContext([instance]), names);
    const variants: Record<string, string>[] = [
      { sweepMode: 'end' },
      { tagEndedContacts: 'false', discoverCallbacks: 'false', reconcile: 'false' },
      { requireSecurityUser: 'true' },
      {
        sweepPolicies: JSON.stringify([
          { name: 'billing', queues: ['de300000-0000-4000-8000-0000000000a2'], maxQueuedAge: '4h' },
        ]),
      },
    ];

    for (const variant of variants) {
      const roles = await functionRoles({ ...localStackContext([instance]), ...variant }, names);
      expect(roles, JSON.stringify(variant)).toEqual(base);
    }
  });

  it("grant each function's calls on the instances named, resolved to the local table", async () => {
    const roles = await functionRoles(localStackContext([instance]), names);
    const tracker = roles.find((role) => role.service === 'callback-tracker');

    expect(JSON.stringify(tracker?.policies)).toContain(
      '"Action":"dynamodb:UpdateItem","Effect":"Allow","Resource":"arn:aws:dynamodb:us-east-1:123456789012:table/callbacks"',
    );
    expect(roles.map((role) => role.service).sort()).toEqual([
      'callback-sweeper',
      'callback-tracker',
      'end-contact',
      'stop-contact-api',
    ]);
  });
});
