import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The IAM policies the CDK app grants each function, read from the template it synthesizes for
 * the local shape (`-c local=true`), so the local system enforces what a deploy would grant.
 */

/** An IAM policy document, as the template holds it once its intrinsics are resolved. */
export interface PolicyDocument {
  Version?: string;
  Statement: Record<string, unknown>[];
}

/** One function's role: its identity policies, with the template's references resolved. */
export interface FunctionRole {
  /** The function's POWERTOOLS_SERVICE_NAME, e.g. `callback-sweeper`. */
  readonly service: string;
  /** The role's logical ID in the template, for messages. */
  readonly roleLogicalId: string;
  readonly policies: readonly { name: string; document: PolicyDocument }[];
}

/** What the local system needs to name the template's resources as it runs them. */
export interface LocalNames {
  readonly region: string;
  readonly accountId: string;
  /** The registry table's name locally (the template's table gets a generated name). */
  readonly tableName: string;
}

/** The parts of the synthesized template that IAM evaluation reads, intrinsics unresolved. */
interface TemplateExtract {
  readonly resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * CDK context for the local shape of the stack that serves and sweeps these instances. The
 * roles' grants depend on the instances alone (lib/constructs/connect-permissions.ts,
 * sweeper-grants.ts, and the table grants): no setting adds or removes a grant, which
 * test/local/iam/role-policies.test.ts checks for the settings that switch calls on and off, so
 * one synthesis serves every setting's value.
 */
export function localStackContext(instanceArns: readonly string[]): Record<string, string> {
  return {
    local: 'true',
    // The local system serves the HTTP door too; LocalStack's free plan lacks HTTP APIs, so the
    // local shape leaves it out unless asked.
    stopContactApi: 'true',
    instanceArns: instanceArns.join(','),
  };
}

const memo = new Map<string, Promise<TemplateExtract>>();

/**
 * Each function's role policies, as `cdk synth` with this context would grant them, resolved to
 * the local system's names. Synthesis (without bundling) takes a few seconds, so its result is
 * kept under node_modules/.cache, keyed by the context and every source file the app reads.
 */
export async function functionRoles(
  context: Record<string, string>,
  names: LocalNames,
): Promise<FunctionRole[]> {
  const key = cacheKey(context);
  let extract = memo.get(key);
  if (!extract) {
    extract = readCachedOrSynthesize(key, context);
    memo.set(key, extract);
  }
  return rolesOf(await extract, names);
}

function cacheKey(context: Record<string, string>): string {
  return createHash('sha256')
    .update(JSON.stringify(context))
    .update(sourcesHash())
    .digest('hex')
    .slice(0, 32);
}

let sources: string | undefined;

/** A hash of every file the app's template depends on, read once a process: they do not change mid-run. */
function sourcesHash(): string {
  if (sources) return sources;
  const hash = createHash('sha256');
  const files = [
    ...sourceFiles(join(projectRoot, 'lib')),
    ...sourceFiles(join(projectRoot, 'lambdas', 'core')),
    join(projectRoot, 'cdk.json'),
    join(projectRoot, 'package-lock.json'),
  ];
  for (const file of files.sort()) {
    hash.update(relative(projectRoot, file)).update(readFileSync(file));
  }
  sources = hash.digest('hex');
  return sources;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|json)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

const cacheDir = join(projectRoot, 'node_modules', '.cache', 'amazon-connect-end-contact');

async function readCachedOrSynthesize(
  key: string,
  context: Record<string, string>,
): Promise<TemplateExtract> {
  const file = join(cacheDir, `roles-${key}.json`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as TemplateExtract;
  } catch {
    // Not cached yet: synthesize below.
  }
  const extract = await synthesizeExtract(context);
  mkdirSync(cacheDir, { recursive: true });
  // Written whole, then renamed: a parallel test worker reads the old file or the new, never half.
  const partial = `${file}.${process.pid}.tmp`;
  writeFileSync(partial, JSON.stringify(extract));
  renameSync(partial, file);
  return extract;
}

/** What `cdk synth -c …` builds (lib/app.ts), without bundling: only the template is read. */
async function synthesizeExtract(context: Record<string, string>): Promise<TemplateExtract> {
  const [{ App }, { addEndContactStacks }, { mkdtempSync, rmSync }, { tmpdir }] = await Promise.all(
    [
      import('aws-cdk-lib'),
      import('../../lib/regional-stacks.js'),
      import('node:fs'),
      import('node:os'),
    ],
  );
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as {
    context: Record<string, unknown>;
  };
  const outdir = mkdtempSync(join(tmpdir(), 'end-contact-iam-'));
  try {
    const app = new App({
      outdir,
      context: { ...cdkJson.context, ...context, 'aws:cdk:bundling-stacks': [] },
    });
    const [stack] = addEndContactStacks(app);
    if (!stack) throw new Error('the CDK app made no stack for the local shape');
    const template = app.synth().getStackByName(stack.stackName).template as {
      Resources: TemplateExtract['resources'];
    };
    const kept = /^AWS::(IAM::|Lambda::Function$|DynamoDB::Table$|Scheduler::|SQS::Queue$)/;
    return {
      resources: Object.fromEntries(
        Object.entries(template.Resources).filter(([, resource]) => kept.test(resource.Type)),
      ),
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function rolesOf(extract: TemplateExtract, names: LocalNames): FunctionRole[] {
  const { resources } = extract;
  const resolve = resolver(resources, names);
  const roles: FunctionRole[] = [];
  for (const fn of Object.values(resources)) {
    if (fn.Type !== 'AWS::Lambda::Function') continue;
    const props = fn.Properties as {
      Role: { 'Fn::GetAtt': [string, string] };
      Environment?: { Variables?: Record<string, string> };
    };
    const service = props.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    if (!service) continue;
    const roleId = props.Role['Fn::GetAtt'][0];
    const policies: FunctionRole['policies'][number][] = [];
    for (const [id, resource] of Object.entries(resources)) {
      const p = resource.Properties as {
        Roles?: { Ref?: string }[];
        PolicyDocument?: unknown;
        PolicyName?: string;
      };
      const attached =
        (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') &&
        p.Roles?.some((role) => role.Ref === roleId);
      if (attached) {
        policies.push({ name: id, document: resolve(p.PolicyDocument) as PolicyDocument });
      }
    }
    const role = resources[roleId]?.Properties as
      | {
          Policies?: { PolicyName: string; PolicyDocument: unknown }[];
          ManagedPolicyArns?: unknown[];
        }
      | undefined;
    for (const inline of role?.Policies ?? []) {
      policies.push({
        name: inline.PolicyName,
        document: resolve(inline.PolicyDocument) as PolicyDocument,
      });
    }
    if (role?.ManagedPolicyArns?.length) {
      // An AWS managed policy's document is not in the template: refuse to guess what it grants.
      throw new Error(
        `role ${roleId} of ${service} attaches managed policies, which local IAM enforcement cannot read`,
      );
    }
    roles.push({ service, roleLogicalId: roleId, policies });
  }
  return roles;
}

/** Resolves the intrinsics CDK writes into policy documents, to the local system's ARNs. */
function resolver(resources: TemplateExtract['resources'], names: LocalNames) {
  const { region, accountId } = names;
  const pseudo: Record<string, string> = {
    'AWS::Partition': 'aws',
    'AWS::Region': region,
    'AWS::AccountId': accountId,
    'AWS::URLSuffix': 'amazonaws.com',
  };
  const arnOf = (logicalId: string): string => {
    const resource = resources[logicalId];
    const service = (
      resource?.Properties as { Environment?: { Variables?: Record<string, string> } }
    )?.Environment?.Variables?.POWERTOOLS_SERVICE_NAME;
    switch (resource?.Type) {
      case 'AWS::DynamoDB::Table':
        return `arn:aws:dynamodb:${region}:${accountId}:table/${names.tableName}`;
      case 'AWS::Lambda::Function':
        return `arn:aws:lambda:${region}:${accountId}:function:${service ?? logicalId}`;
      case 'AWS::SQS::Queue':
        return `arn:aws:sqs:${region}:${accountId}:${logicalId}`;
      case 'AWS::IAM::Role':
        return `arn:aws:iam::${accountId}:role/${logicalId}`;
      default:
        // Log groups and other resources the local system does not call: a name that matches nothing.
        return `arn:aws:local:${region}:${accountId}:${resource?.Type ?? 'unknown'}/${logicalId}`;
    }
  };
  const resolve = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(resolve);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [first] = entries;
    if (entries.length === 1 && first) {
      const [fn, arg] = first;
      if (fn === 'Ref') {
        const name = arg as string;
        return pseudo[name] ?? arnOf(name);
      }
      if (fn === 'Fn::GetAtt') {
        const [id, attribute] = arg as [string, string];
        if (attribute !== 'Arn') throw new Error(`cannot resolve Fn::GetAtt ${id}.${attribute}`);
        return arnOf(id);
      }
      if (fn === 'Fn::Join') {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((part) => String(resolve(part))).join(separator);
      }
      if (fn === 'Fn::Sub' && typeof arg === 'string') {
        return arg.replace(/\$\{([^}]+)\}/g, (_, name: string) =>
          name.endsWith('.Arn') ? arnOf(name.slice(0, -4)) : (pseudo[name] ?? arnOf(name)),
        );
      }
      if (fn.startsWith('Fn::')) throw new Error(`cannot resolve ${fn} in a policy document`);
    }
    return Object.fromEntries(entries.map(([key, inner]) => [key, resolve(inner)]));
  };
  return resolve;
}
