/**
 * Renders the "What each role may do and why" section of docs/deploy.md from the template the
 * app synthesizes for a full deploy (every part on, a scheduled clear), so the page cannot drift
 * from the grants: `npm run docs:roles` writes it, test/lib/role-doc.test.ts checks it is current,
 * and test/integration/least-privilege.test.ts checks that every grant the code does not call is
 * one this page says AWS calls on the role's behalf.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const deployDocPath = fileURLToPath(new URL('../docs/deploy.md', import.meta.url));

/** Who makes a granted call: the function's own code, or an AWS service on the role's behalf. */
export type Caller = 'code' | 'aws';

interface Reason {
  readonly why: string;
  readonly caller: Caller;
}

/** Lambda writes each function's logs with its role: its code never calls CloudWatch Logs. */
const logs: Record<string, Reason> = {
  'logs:CreateLogStream': { caller: 'aws', why: 'Lambda writes the function’s logs.' },
  'logs:PutLogEvents': { caller: 'aws', why: 'Lambda writes the function’s logs.' },
};

/** Both End a Contact doors make the same calls; `what` names where the contact ID comes from. */
const endAContact = (what: string): Record<string, Reason> => ({
  'connect:StopContact': { caller: 'code', why: `Ends the contact ${what} names.` },
  'connect:SearchUsers': {
    caller: 'code',
    why: 'Finds the SecurityUser by user name (SearchUsers, Username EXACT).',
  },
  'connect:DescribeUser': { caller: 'code', why: "Reads the SecurityUser's security profiles." },
  'connect:ListSecurityProfilePermissions': {
    caller: 'code',
    why: 'Checks that a profile has StopContact.Enabled ("End contact").',
  },
  'connect:DescribeContact': {
    caller: 'code',
    why: 'Settles a 410 after an attempt that may have applied: ended by that attempt or before it.',
  },
  ...logs,
});

/** Each role's grants and why, by role label and action. A grant missing here fails the render. */
export const grantReasons: Record<string, Record<string, Reason>> = {
  'end-contact': endAContact('the flow'),
  'stop-contact-api': endAContact('the request'),
  'callback-tracker': {
    'dynamodb:UpdateItem': {
      caller: 'code',
      why: 'Records each callback event with one conditional update (never a read or delete).',
    },
    'sqs:SendMessage': {
      caller: 'aws',
      why: 'Lambda sends an event that failed every retry to the dead-letter queue.',
    },
    'sqs:GetQueueAttributes': { caller: 'aws', why: 'Granted by CDK with the dead-letter queue.' },
    'sqs:GetQueueUrl': { caller: 'aws', why: 'Granted by CDK with the dead-letter queue.' },
    ...logs,
  },
  'callback-sweeper': {
    'dynamodb:Query': {
      caller: 'code',
      why: 'Reads candidates through the sparse queued index, never a Scan.',
    },
    'dynamodb:GetItem': {
      caller: 'code',
      why: 'Report-mode discovery reads one entry to tell whether the registry tracks it.',
    },
    'dynamodb:UpdateItem': {
      caller: 'code',
      why: 'Stop intents, ends, re-queues and discovered callbacks, each a conditional update.',
    },
    'connect:DescribeContact': { caller: 'code', why: 'The last look before a stop.' },
    'connect:GetContactMetrics': {
      caller: 'code',
      why: "The candidate's position in queue, a second 'still waiting' signal.",
    },
    'connect:StopContact': { caller: 'code', why: 'Ends a callback the last look shows waiting.' },
    'connect:TagContact': {
      caller: 'code',
      why: 'Tags an ended callback EndedBy and EndReason (tagEndedContacts).',
    },
    'connect:SearchContacts': {
      caller: 'code',
      why: 'Discovery: queued callbacks the registry lacks (discoverCallbacks).',
    },
    'connect:GetCurrentMetricData': {
      caller: 'code',
      why: 'Reconciliation: the oldest contact of each queue (reconcile).',
    },
    ...logs,
  },
  'scheduled clears': {
    'lambda:InvokeFunction': {
      caller: 'aws',
      why: 'EventBridge Scheduler invokes the sweeper for each scheduled clear.',
    },
  },
};

/** One granted action of one role, with the resources the template grants it on. */
export interface RoleGrant {
  readonly role: string;
  readonly action: string;
  readonly resources: readonly string[];
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown> }>;

/** The full deploy's context: every part, an instance, end mode and a scheduled clear. */
export const fullDeployContext = {
  instanceArn:
    'arn:aws:connect:us-east-1:123456789012:instance/00000000-0000-4000-8000-000000000000',
  sampleFlow: 'true',
  sweepMode: 'end',
  alarmEmail: 'ops@example.com',
  sweepPoliciesFile: fileURLToPath(
    new URL('../docs/examples/2-closing-time.policies.json', import.meta.url),
  ),
};

/** Every role's grants in the full deploy's template, by role label. */
export async function templateGrants(): Promise<RoleGrant[]> {
  const [{ App }, { addEndContactStacks }, { mkdtempSync, rmSync }, { tmpdir }, { join }] =
    await Promise.all([
      import('aws-cdk-lib'),
      import('./regional-stacks.js'),
      import('node:fs'),
      import('node:os'),
      import('node:path'),
    ]);
  const cdkJson = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const outdir = mkdtempSync(join(tmpdir(), 'end-contact-roles-'));
  try {
    const app = new App({
      outdir,
      context: { ...cdkJson.context, ...fullDeployContext, 'aws:cdk:bundling-stacks': [] },
    });
    const [stack] = addEndContactStacks(app);
    if (!stack) throw new Error('the CDK app made no stack');
    const { Resources: resources } = app.synth().getStackByName(stack.stackName).template as {
      Resources: Resources;
    };
    return grantsIn(resources);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function grantsIn(resources: Resources): RoleGrant[] {
  const labels = roleLabels(resources);
  const grants = new Map<string, { role: string; action: string; resources: Set<string> }>();
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::IAM::Policy') continue;
    const props = resource.Properties as {
      Roles: { Ref: string }[];
      PolicyDocument: { Statement: { Effect: string; Action: unknown; Resource: unknown }[] };
    };
    for (const { Ref } of props.Roles) {
      const role = labels.get(Ref) ?? Ref;
      for (const statement of props.PolicyDocument.Statement) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of [statement.Action].flat() as string[]) {
          const key = `${role} ${action}`;
          const entry = grants.get(key) ?? { role, action, resources: new Set<string>() };
          for (const target of [statement.Resource].flat()) entry.resources.add(describe(target));
          grants.set(key, entry);
        }
      }
    }
  }
  return [...grants.values()].map((g) => ({ ...g, resources: [...g.resources].sort() }));
}

/** A role's label: the service name of the function it runs, or what assumes it. */
function roleLabels(resources: Resources): Map<string, string> {
  const labels = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    if (resource.Type === 'AWS::Lambda::Function') {
      const props = resource.Properties as {
        Role: { 'Fn::GetAtt': [string] };
        Environment?: { Variables?: Record<string, string> };
      };
      const service = props.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
      if (service) labels.set(props.Role['Fn::GetAtt'][0], service);
    }
    if (resource.Type === 'AWS::IAM::Role') {
      const trust = JSON.stringify(resource.Properties?.AssumeRolePolicyDocument);
      if (trust.includes('scheduler.amazonaws.com')) labels.set(id, 'scheduled clears');
    }
  }
  return labels;
}

/** A resource as a reader wants it: an ARN pattern, with the stack's own resources named. */
function describe(target: unknown): string {
  if (typeof target === 'string') {
    return target.replace(fullDeployContext.instanceArn, 'instance/<id>');
  }
  const text = JSON.stringify(target);
  const logical = /"Fn::GetAtt":\["([A-Za-z]+?)[0-9A-F]{8}"/.exec(text)?.[1];
  const suffix = /"(\/index\/[^"]+|:\*)"/.exec(text)?.[1] ?? '';
  return logical ? `the stack's ${logical}${suffix}` : text;
}

const begin = '<!-- roles:begin (npm run docs:roles) -->';
const end = '<!-- roles:end -->';

/** The section's table: one row per role and action. Throws for a grant without a reason. */
export function renderRoleTable(grants: readonly RoleGrant[]): string {
  const rows = grants.map((grant) => {
    const reason = grantReasons[grant.role]?.[grant.action];
    if (!reason) {
      throw new Error(
        `${grant.role} is granted ${grant.action} with no reason in lib/role-doc.ts grantReasons: add one, or drop the grant`,
      );
    }
    const by = reason.caller === 'aws' ? ' *(called by AWS, not the code)*' : '';
    return `| ${grant.role} | \`${grant.action}\` | ${grant.resources.map((r) => `\`${r}\``).join(', ')} | ${reason.why}${by} |`;
  });
  return [begin, '| Role | Action | Resources | Why |', '|---|---|---|---|', ...rows, end].join(
    '\n',
  );
}

/** docs/deploy.md with its roles section replaced by this render. */
export function withRoleTable(page: string, table: string): string {
  const from = page.indexOf(begin);
  const to = page.indexOf(end);
  if (from < 0 || to < 0) throw new Error(`docs/deploy.md lacks the markers ${begin} … ${end}`);
  return page.slice(0, from) + table + page.slice(to + end.length);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = renderRoleTable(await templateGrants());
  writeFileSync(deployDocPath, withRoleTable(readFileSync(deployDocPath, 'utf8'), table));
  console.log(`wrote the roles section of ${deployDocPath}`);
}
