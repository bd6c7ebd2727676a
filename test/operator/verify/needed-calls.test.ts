import { beforeAll, describe, expect, it } from 'vitest';
import { grantsOf, LocalIam, localStackRoles } from '../../../local/iam/local-iam.js';
import type { FunctionRole } from '../../../local/iam/role-policies.js';
import {
  deployedFunctions,
  type ResourceNames,
  resourceArns,
} from '../../../operator/verify/needed-calls.js';

const names: ResourceNames = {
  region: 'eu-west-2',
  accountId: '111122223333',
  tableName: 'callbacks',
  instanceIds: ['11111111-2222-4333-8444-555555555555', '66666666-7777-4888-8999-000000000000'],
};

describe('the calls verify asks about for each function', () => {
  let roles: readonly FunctionRole[];
  let iam: LocalIam;

  beforeAll(async () => {
    roles = await localStackRoles({ instanceIds: names.instanceIds, names });
    iam = new LocalIam({ accountId: names.accountId });
    iam.addStack(roles);
  });

  it('names every function the synthesized stack has, and no other', () => {
    expect(deployedFunctions.map((f) => f.service).sort()).toEqual(
      roles.map((r) => r.service).sort(),
    );
  });

  it.each(deployedFunctions.map((f) => [f.service, f] as const))(
    'are all allowed by the role the template grants %s',
    async (service, fn) => {
      const role = roles.find((r) => r.service === service) as FunctionRole;
      for (const call of fn.calls) {
        const results = await iam.simulate(
          iam.roleArn(role),
          [call.action],
          resourceArns(call.on, names),
        );
        expect(results?.filter((r) => r.decision !== 'allowed')).toEqual([]);
      }
    },
  );

  it.each(deployedFunctions.map((f) => [f.service, f] as const))(
    'cover every Connect and DynamoDB action the template grants %s',
    (service, fn) => {
      const granted = new Set(
        grantsOf(roles)
          .filter((g) => g.service === service && /^(connect|dynamodb):/.test(g.action))
          .map((g) => g.action),
      );
      expect([...new Set(fn.calls.map((c) => c.action))].sort()).toEqual([...granted].sort());
    },
  );
});
