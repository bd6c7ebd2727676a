import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { operatorPolicy, operatorPolicyTemplate } from '../../operator/operator-policy.js';

describe('the operator IAM policy', () => {
  it('is the policy docs/cli.md gives operators, word for word', () => {
    const page = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
    const section = page.slice(page.indexOf('## Minimal IAM policy for operators'));
    const block = /```json\n([\s\S]*?)\n```/.exec(section)?.[1];

    expect(block && JSON.parse(block)).toEqual(operatorPolicyTemplate);
  });

  it('names every instance where the template says INSTANCE_ID, and leaves no placeholder', () => {
    const policy = operatorPolicy({
      region: 'eu-west-2',
      accountId: '111122223333',
      tableName: 'callbacks',
      instanceIds: ['i-one', 'i-two'],
      sweeperFunctionName: 'sweeper',
    });

    const text = JSON.stringify(policy);
    expect(text).not.toMatch(/REGION|ACCOUNT|TABLE_NAME|INSTANCE_ID|SWEEPER_FUNCTION_NAME/);
    const look = policy.Statement.find((s) => s.Sid === 'LookAndEnd');
    expect(look?.Resource).toEqual([
      'arn:aws:connect:eu-west-2:111122223333:instance/i-one',
      'arn:aws:connect:eu-west-2:111122223333:instance/i-two',
      'arn:aws:connect:eu-west-2:111122223333:instance/i-one/contact/*',
      'arn:aws:connect:eu-west-2:111122223333:instance/i-two/contact/*',
    ]);
  });
});
