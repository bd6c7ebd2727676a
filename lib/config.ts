import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { toQueueId } from '../lambdas/core/callbacks/sweeper-config.js';
import { parseDurationMs } from '../lambdas/core/config.js';
import { toInstanceId } from '../lambdas/core/connect/identifiers.js';

/**
 * The app's settings, read from CDK context (`cdk.json` "context", or `-c key=value`).
 *
 * Values given with `-c` arrive as strings, values from cdk.json as JSON: every reader accepts
 * both. A bad value fails synth with an `Error` that names the key and says how to fix it.
 */

/** How the sweeper treats a stuck callback: `report` only logs and counts it, `end` stops it. */
export type SweepMode = 'report' | 'end';

/** The Amazon Connect instance the stack serves, split out of its ARN. */
export interface ConnectInstance {
  /** `arn:<partition>:connect:<region>:<account>:instance/<id>` */
  readonly arn: string;
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The instance ID, a UUID. */
  readonly id: string;
}

/** Which parts of the system the stack creates. */
export interface DeployParts {
  /** The Lambda a contact flow invokes (`EndContact`). */
  readonly endContactFunction: boolean;
  /** The HTTP API `POST /contact/stop` (`StopContactApi`). */
  readonly stopContactApi: boolean;
  /** The callback tracker, its table, and the scheduled sweeper. */
  readonly callbackSweeper: boolean;
  /** `AWS::Connect::IntegrationAssociation` and the Lambda permission for the instance. */
  readonly connectIntegration: boolean;
  /** The sample `AWS::Connect::ContactFlow` that invokes the end-contact Lambda. */
  readonly sampleFlow: boolean;
}

/** The sweeper's policy and pace. */
export interface SweeperSettings {
  readonly mode: SweepMode;
  /** A callback queued longer than this is stuck, as duration text ("24h", "7d"). */
  readonly maxQueuedAge: string;
  /** The same age in milliseconds. */
  readonly maxQueuedAgeMs: number;
  /** At most this many StopContact calls per run. */
  readonly maxStopsPerRun: number;
  /** Client-side cap on StopContact calls per second. */
  readonly stopRatePerSecond: number;
  /** Client-side cap on DescribeContact calls per second. */
  readonly describeRatePerSecond: number;
  /** Only callbacks in these queues (IDs or ARNs) are swept; empty means every queue. */
  readonly queueAllowList: readonly string[];
  /** Callbacks in these queues (IDs or ARNs) are never swept. */
  readonly queueDenyList: readonly string[];
  /** EventBridge schedule expression: `rate(...)` or `cron(...)`. */
  readonly schedule: string;
  /** Tag each ended callback (`EndedBy`, `EndReason`) after its stop, best effort. */
  readonly tagEndedContacts: boolean;
  /** `keep-oldest` also ends younger callbacks of one number in one queue. */
  readonly duplicatesPolicy: 'off' | 'keep-oldest';
  /** Keys the in-memory HMAC of customer numbers; set when duplicatesPolicy is keep-oldest. */
  readonly phoneHashSalt?: string;
  /** Compare each queue's oldest contact (GetCurrentMetricData) with the registry after a sweep. */
  readonly reconcile: boolean;
  /** Queues (IDs or ARNs) always reconciled, besides the allow list and the registry's queues. */
  readonly reconcileQueueIds: readonly string[];
  /** Client-side cap on GetCurrentMetricData calls per second. */
  readonly metricDataRatePerSecond: number;
  /** Reserve a concurrency of 1 for the sweeper, so two runs never overlap. */
  readonly reserveConcurrency: boolean;
}

export interface EndContactConfig {
  /** @default - none: offline synth, IAM scoped to every instance of the account and Region */
  readonly instance?: ConnectInstance;
  readonly deploy: DeployParts;
  readonly requireSecurityUser: boolean;
  readonly requiredPermission: string;
  readonly securityUserCacheTtlSeconds: number;
  readonly logRetention: RetentionDays;
  /** @default - no SNS topic; alarms have no actions */
  readonly alarmEmail?: string;
  /** Default-stage throttling of the HTTP API. */
  readonly api: { readonly rateLimit: number; readonly burstLimit: number };
  readonly sweeper: SweeperSettings;
  /** LocalStack mode: no `AWS::Connect::*` resources, Connect calls go to `localConnectEndpoint`. */
  readonly local: boolean;
  readonly localConnectEndpoint: string;
}

/** One context key: its name, what it does, its default, for errors and the README table. */
export interface ContextKey {
  readonly key: string;
  readonly description: string;
  readonly defaultValue: string;
}

/** Every key the app reads, in the order the README lists them. */
export const contextKeys: readonly ContextKey[] = [
  {
    key: 'instanceArn',
    description:
      'ARN of the Amazon Connect instance. Required to deploy to AWS; without it synth still works and warns.',
    defaultValue: '(none)',
  },
  {
    key: 'endContactFunction',
    description: 'Deploy the flow Lambda.',
    defaultValue: 'true',
  },
  {
    key: 'stopContactApi',
    description:
      "Deploy the HTTP API. Off by default in local mode: HTTP APIs are not in LocalStack's free plan.",
    defaultValue: 'true; false when local is true',
  },
  {
    key: 'callbackSweeper',
    description: 'Deploy the callback tracker, table and sweeper.',
    defaultValue: 'true',
  },
  {
    key: 'connectIntegration',
    description: 'Associate the flow Lambda with the instance and let Connect invoke it.',
    defaultValue: 'true when instanceArn is set and local is not',
  },
  {
    key: 'sampleFlow',
    description: 'Create the sample contact flow (needs instanceArn and connectIntegration).',
    defaultValue: 'false',
  },
  {
    key: 'requireSecurityUser',
    description: 'Refuse requests without a SecurityUser.',
    defaultValue: 'false',
  },
  {
    key: 'requiredPermission',
    description: 'Security-profile permission a SecurityUser must hold.',
    defaultValue: 'StopContact.Enabled',
  },
  {
    key: 'securityUserCacheTtlSeconds',
    description: 'How long SecurityUser answers are cached (1–3600).',
    defaultValue: '60',
  },
  {
    key: 'logRetentionDays',
    description:
      'Retention of every log group, one of CloudWatch Logs’ values (1, 3, 5, 7, 14, 30, …).',
    defaultValue: '30',
  },
  {
    key: 'alarmEmail',
    description: 'Email subscribed to an encrypted SNS topic that every alarm notifies.',
    defaultValue: '(none: alarms without actions)',
  },
  {
    key: 'apiRateLimit',
    description: 'HTTP API steady-state requests per second (0.1–10000).',
    defaultValue: '5',
  },
  {
    key: 'apiBurstLimit',
    description: 'HTTP API burst (integer, 1–5000).',
    defaultValue: '10',
  },
  {
    key: 'sweepMode',
    description: '`report` (log only) or `end` (StopContact).',
    defaultValue: 'report',
  },
  {
    key: 'maxQueuedAge',
    description: 'A callback queued longer than this is stuck ("30m", "24h", "7d"; 5m–14d).',
    defaultValue: '24h',
  },
  {
    key: 'maxStopsPerRun',
    description: 'At most this many contacts ended per sweep (1–1000).',
    defaultValue: '50',
  },
  {
    key: 'stopRatePerSecond',
    description: 'Sweeper StopContact calls per second (0.1–100).',
    defaultValue: '2',
  },
  {
    key: 'describeRatePerSecond',
    description: 'Sweeper DescribeContact calls per second (0.1–100).',
    defaultValue: '5',
  },
  {
    key: 'queueAllowList',
    description: 'Only sweep these queues: IDs or ARNs, JSON array or comma-separated.',
    defaultValue: '(every queue)',
  },
  {
    key: 'queueDenyList',
    description: 'Never sweep these queues: IDs or ARNs, JSON array or comma-separated.',
    defaultValue: '(none)',
  },
  {
    key: 'tagEndedContacts',
    description:
      'Tag each ended callback (EndedBy, EndReason) after its stop succeeded, best effort.',
    defaultValue: 'true',
  },
  {
    key: 'schedule',
    description: 'When the sweeper runs: an EventBridge `rate(...)` or `cron(...)` expression.',
    defaultValue: 'rate(15 minutes)',
  },
  {
    key: 'duplicatesPolicy',
    description:
      '`off`, or `keep-oldest`: also end younger callbacks of one customer number in one queue.',
    defaultValue: 'off',
  },
  {
    key: 'phoneHashSalt',
    description:
      'Key of the in-memory HMAC that compares customer numbers; at least 16 characters; required with duplicatesPolicy keep-oldest.',
    defaultValue: '(none)',
  },
  {
    key: 'reconcile',
    description:
      "Compare each queue's oldest contact (GetCurrentMetricData) with the registry after a sweep.",
    defaultValue: 'true',
  },
  {
    key: 'reconcileQueueIds',
    description:
      'Queues always reconciled, besides the allow list and the queues in the registry: IDs or ARNs.',
    defaultValue: '(none)',
  },
  {
    key: 'metricDataRatePerSecond',
    description: 'Sweeper GetCurrentMetricData calls per second (0.1–100).',
    defaultValue: '2',
  },
  {
    key: 'sweeperReservedConcurrency',
    description:
      'Reserve a concurrency of 1 for the sweeper, so two runs never overlap (needs an account concurrency limit above 100).',
    defaultValue: 'true',
  },
  {
    key: 'local',
    description:
      'LocalStack mode: no AWS::Connect::* resources; Lambdas call localConnectEndpoint.',
    defaultValue: 'false',
  },
  {
    key: 'localConnectEndpoint',
    description: 'The local Amazon Connect as the Lambda containers reach it (local mode only).',
    defaultValue: 'http://host.docker.internal:8017',
  },
];

/** Reads one context value, like `app.node.tryGetContext`. */
export type ContextReader = (key: string) => unknown;

const permissionPattern = /^[A-Za-z][A-Za-z0-9._-]{0,127}$/;
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const ratePattern = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/;
const cronPattern = /^cron\(\S+( \S+){5}\)$/;

/** CloudWatch Logs accepts only these retention periods. */
const retentionDays = new Set<number>(
  Object.values(RetentionDays).filter((v): v is number => typeof v === 'number'),
);

/** Collects every bad key, so one synth reports them all. */
class Problems {
  readonly messages: string[] = [];

  add(
    key: string,
    expected: string,
    got: unknown,
    fix = `set -c ${key}=<value> or fix it in cdk.json`,
  ): void {
    this.messages.push(`context key ${key} must be ${expected}, got ${describe(got)}: ${fix}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  return JSON.stringify(value) ?? String(value);
}

function isBlank(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}

function readBoolean(
  read: ContextReader,
  problems: Problems,
  key: string,
  fallback: boolean,
): boolean {
  const value = read(key);
  if (isBlank(value)) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  problems.add(key, 'true or false', value);
  return fallback;
}

function readNumber(
  read: ContextReader,
  problems: Problems,
  key: string,
  fallback: number,
  bounds: { min: number; max: number; integer?: boolean },
): number {
  const value = read(key);
  if (isBlank(value)) return fallback;
  const number =
    typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : Number.NaN;
  const kind = bounds.integer ? 'an integer' : 'a number';
  if (
    !Number.isFinite(number) ||
    (bounds.integer && !Number.isInteger(number)) ||
    number < bounds.min ||
    number > bounds.max
  ) {
    problems.add(key, `${kind} from ${bounds.min} to ${bounds.max}`, value);
    return fallback;
  }
  return number;
}

function readString(read: ContextReader, problems: Problems, key: string): string | undefined {
  const value = read(key);
  if (isBlank(value)) return undefined;
  if (typeof value !== 'string') {
    problems.add(key, 'a string', value);
    return undefined;
  }
  return value.trim();
}

function readList(read: ContextReader, problems: Problems, key: string): string[] {
  const value = read(key);
  if (isBlank(value)) return [];
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else if (typeof value === 'string' && value.trim().startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(value);
      items = Array.isArray(parsed) ? parsed : [value];
    } catch {
      problems.add(key, 'a JSON array or a comma-separated list of queue IDs or ARNs', value);
      return [];
    }
  } else if (typeof value === 'string') items = value.split(',');
  else {
    problems.add(key, 'a JSON array or a comma-separated list of queue IDs or ARNs', value);
    return [];
  }
  const queues = items.map((item) => (typeof item === 'string' ? item.trim() : item));
  // The sweeper's own parser (lambdas/core/callbacks/sweeper-config.ts), so synth accepts what it does.
  const bad = queues.filter((q) => typeof q !== 'string' || toQueueId(q) === undefined);
  if (bad.length > 0) {
    problems.add(key, 'a list of queue IDs or queue ARNs', bad[0]);
    return [];
  }
  return queues as string[];
}

/**
 * Splits an instance ARN; undefined when it is not one. The Lambdas' own parser decides
 * (lambdas/core/connect/identifiers.ts), so synth accepts exactly the ARNs they do.
 */
export function parseInstanceArn(arn: string): ConnectInstance | undefined {
  const parsed = arn.startsWith('arn:') ? toInstanceId(arn) : undefined;
  if (!parsed?.ok) return undefined;
  // arn:<partition>:connect:<region>:<account>:instance/<id>, checked field by field above.
  const [, partition = '', , region = '', account = ''] = arn.split(':');
  return { arn, partition, region, account, id: parsed.instanceId };
}

function isScheduleExpression(text: string): boolean {
  const rate = ratePattern.exec(text);
  if (rate) {
    const amount = Number(rate[1]);
    const singular = !rate[2]?.endsWith('s');
    return amount >= 1 && singular === (amount === 1);
  }
  return cronPattern.test(text);
}

/** A context key that looks like one of ours but is not: most likely a typo. */
function checkUnknownKeys(present: readonly string[], problems: Problems): void {
  const known = new Map(contextKeys.map(({ key }) => [key.toLowerCase(), key]));
  for (const key of present) {
    // CDK's own keys are feature flags (`@aws-cdk/...`) and `aws:cdk:...`, never bare identifiers.
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(key) || known.get(key.toLowerCase()) === key) continue;
    const near = known.get(key.toLowerCase());
    problems.messages.push(
      `context key ${key} is not one this app reads: ${near ? `did you mean ${near}?` : 'see "Context keys" in README.md for the keys'}`,
    );
  }
}

/**
 * Reads and validates the whole configuration. Throws one `Error` that lists every bad key.
 * @param present every context key set, to catch misspelt ones
 */
export function readConfig(read: ContextReader, present: readonly string[] = []): EndContactConfig {
  const problems = new Problems();
  checkUnknownKeys(present, problems);

  let instance: ConnectInstance | undefined;
  const instanceArn = readString(read, problems, 'instanceArn');
  if (instanceArn !== undefined) {
    instance = parseInstanceArn(instanceArn);
    if (!instance) {
      problems.add(
        'instanceArn',
        'an Amazon Connect instance ARN like arn:aws:connect:us-east-1:123456789012:instance/<uuid>',
        instanceArn,
        'copy it from the Amazon Connect console (instance overview, "Instance ARN")',
      );
    }
  }

  const local = readBoolean(read, problems, 'local', false);
  const localConnectEndpoint =
    readString(read, problems, 'localConnectEndpoint') ?? 'http://host.docker.internal:8017';
  if (!/^https?:\/\/[^\s/]+(:\d+)?\/?$/.test(localConnectEndpoint)) {
    problems.add(
      'localConnectEndpoint',
      'an http(s) URL such as http://host.docker.internal:8017',
      localConnectEndpoint,
    );
  }

  const deploy: DeployParts = {
    endContactFunction: readBoolean(read, problems, 'endContactFunction', true),
    // LocalStack's free plan has no API Gateway v2 (HTTP APIs); its paid plans do.
    stopContactApi: readBoolean(read, problems, 'stopContactApi', !local),
    callbackSweeper: readBoolean(read, problems, 'callbackSweeper', true),
    connectIntegration: readBoolean(
      read,
      problems,
      'connectIntegration',
      instanceArn !== undefined && !local,
    ),
    sampleFlow: readBoolean(read, problems, 'sampleFlow', false),
  };
  if (!deploy.endContactFunction && !deploy.stopContactApi && !deploy.callbackSweeper) {
    problems.messages.push(
      'context keys endContactFunction, stopContactApi and callbackSweeper are all false, so there is nothing to deploy: set at least one to true',
    );
  }
  if (deploy.connectIntegration) {
    if (local) {
      problems.add(
        'connectIntegration',
        'false in local mode (LocalStack has no Amazon Connect)',
        true,
        'drop -c connectIntegration=true or -c local=true',
      );
    } else if (instanceArn === undefined) {
      problems.add(
        'connectIntegration',
        'false without instanceArn',
        true,
        'set -c instanceArn=<your instance ARN> or drop -c connectIntegration=true',
      );
    } else if (!deploy.endContactFunction) {
      problems.add(
        'connectIntegration',
        'false when endContactFunction is false',
        true,
        'drop -c connectIntegration=true or -c endContactFunction=false',
      );
    }
  }
  if (deploy.sampleFlow) {
    if (local) {
      problems.add(
        'sampleFlow',
        'false in local mode (LocalStack has no Amazon Connect)',
        true,
        'drop -c sampleFlow=true or -c local=true',
      );
    } else if (!deploy.connectIntegration) {
      problems.add(
        'sampleFlow',
        'false unless the flow Lambda is associated with an instance',
        true,
        'set -c instanceArn=<your instance ARN> and keep connectIntegration and endContactFunction true',
      );
    }
  }

  const requiredPermission =
    readString(read, problems, 'requiredPermission') ?? 'StopContact.Enabled';
  if (!permissionPattern.test(requiredPermission)) {
    problems.add(
      'requiredPermission',
      'a security-profile permission name such as StopContact.Enabled',
      requiredPermission,
    );
  }

  const logRetentionDays = readNumber(read, problems, 'logRetentionDays', 30, {
    min: 1,
    max: 9999,
    integer: true,
  });
  if (!retentionDays.has(logRetentionDays)) {
    problems.add(
      'logRetentionDays',
      `one of ${[...retentionDays].sort((a, b) => a - b).join(', ')}`,
      read('logRetentionDays'),
    );
  }

  const alarmEmail = readString(read, problems, 'alarmEmail');
  if (alarmEmail !== undefined && !emailPattern.test(alarmEmail)) {
    problems.add('alarmEmail', 'an email address', alarmEmail);
  }

  const mode = readString(read, problems, 'sweepMode') ?? 'report';
  if (mode !== 'report' && mode !== 'end') {
    problems.add('sweepMode', 'report or end', mode);
  } else if (mode === 'end' && deploy.callbackSweeper && instance === undefined && !local) {
    problems.add(
      'sweepMode',
      'report without instanceArn, so the sweeper never ends contacts of another instance',
      mode,
      'set -c instanceArn=<your instance ARN> to use sweepMode end',
    );
  }

  const maxQueuedAge = readString(read, problems, 'maxQueuedAge') ?? '24h';
  const maxQueuedAgeMs = parseDurationMs(maxQueuedAge);
  if (
    maxQueuedAgeMs === undefined ||
    maxQueuedAgeMs < 5 * 60_000 ||
    maxQueuedAgeMs > 14 * 86_400_000
  ) {
    problems.add(
      'maxQueuedAge',
      'a duration from 5m to 14d such as "30m", "24h" or "7d"',
      maxQueuedAge,
    );
  }

  const schedule = readString(read, problems, 'schedule') ?? 'rate(15 minutes)';
  if (!isScheduleExpression(schedule)) {
    problems.add(
      'schedule',
      'an EventBridge schedule such as "rate(15 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)"',
      schedule,
    );
  }

  const duplicatesPolicy = readString(read, problems, 'duplicatesPolicy') ?? 'off';
  if (duplicatesPolicy !== 'off' && duplicatesPolicy !== 'keep-oldest') {
    problems.add('duplicatesPolicy', 'off or keep-oldest', duplicatesPolicy);
  }
  // Never echo the salt: an error message ends up in CI logs.
  const phoneHashSalt = readString(read, problems, 'phoneHashSalt');
  if (phoneHashSalt !== undefined && phoneHashSalt.length < 16) {
    problems.messages.push(
      `context key phoneHashSalt must be at least 16 characters, got ${phoneHashSalt.length}: set -c phoneHashSalt=$(openssl rand -hex 16) or fix it in cdk.json`,
    );
  } else if (duplicatesPolicy === 'keep-oldest' && phoneHashSalt === undefined) {
    problems.messages.push(
      'context key phoneHashSalt must be set (at least 16 characters) when duplicatesPolicy is keep-oldest: set -c phoneHashSalt=$(openssl rand -hex 16), or set duplicatesPolicy off',
    );
  }

  const config: EndContactConfig = {
    ...(instance ? { instance } : {}),
    deploy,
    requireSecurityUser: readBoolean(read, problems, 'requireSecurityUser', false),
    requiredPermission,
    securityUserCacheTtlSeconds: readNumber(read, problems, 'securityUserCacheTtlSeconds', 60, {
      min: 1,
      max: 3_600,
      integer: true,
    }),
    logRetention: logRetentionDays as RetentionDays,
    ...(alarmEmail ? { alarmEmail } : {}),
    api: {
      rateLimit: readNumber(read, problems, 'apiRateLimit', 5, { min: 0.1, max: 10_000 }),
      burstLimit: readNumber(read, problems, 'apiBurstLimit', 10, {
        min: 1,
        max: 5_000,
        integer: true,
      }),
    },
    sweeper: {
      mode: mode === 'end' ? 'end' : 'report',
      maxQueuedAge,
      maxQueuedAgeMs: maxQueuedAgeMs ?? 86_400_000,
      maxStopsPerRun: readNumber(read, problems, 'maxStopsPerRun', 50, {
        min: 1,
        max: 1_000,
        integer: true,
      }),
      stopRatePerSecond: readNumber(read, problems, 'stopRatePerSecond', 2, { min: 0.1, max: 100 }),
      describeRatePerSecond: readNumber(read, problems, 'describeRatePerSecond', 5, {
        min: 0.1,
        max: 100,
      }),
      queueAllowList: readList(read, problems, 'queueAllowList'),
      queueDenyList: readList(read, problems, 'queueDenyList'),
      schedule,
      tagEndedContacts: readBoolean(read, problems, 'tagEndedContacts', true),
      duplicatesPolicy: duplicatesPolicy === 'keep-oldest' ? 'keep-oldest' : 'off',
      ...(duplicatesPolicy === 'keep-oldest' && phoneHashSalt ? { phoneHashSalt } : {}),
      reconcile: readBoolean(read, problems, 'reconcile', true),
      reconcileQueueIds: readList(read, problems, 'reconcileQueueIds'),
      metricDataRatePerSecond: readNumber(read, problems, 'metricDataRatePerSecond', 2, {
        min: 0.1,
        max: 100,
      }),
      reserveConcurrency: readBoolean(read, problems, 'sweeperReservedConcurrency', true),
    },
    local,
    localConnectEndpoint,
  };

  if (problems.messages.length > 0) throw new Error(problems.messages.join('\n'));
  return config;
}
