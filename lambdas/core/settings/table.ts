/**
 * Every setting of the project, defined once: where it is read (environment variable of a
 * Lambda, CDK context key, construct prop), its default, its bounds and one line of documentation.
 * The Lambdas' environment readers, the app's context reader, the constructs' props and their
 * checks, the manual-sweep overrides and docs/configuration.md are all built from this table, their
 * shapes derived from its types (lambdas/core/settings/read.ts reads every source;
 * lambdas/core/settings/values.ts parses one value; lib/configuration-doc.ts renders the page).
 * Data only, and no imports: the CDK app and every Lambda load it.
 */

/** Which deployed function reads a setting from its environment. */
export type FunctionName =
  | 'end-contact'
  | 'stop-contact-api'
  | 'callback-tracker'
  | 'callback-sweeper';

const endContactDoors = ['end-contact', 'stop-contact-api'] as const satisfies FunctionName[];
const sweeper = ['callback-sweeper'] as const satisfies FunctionName[];

interface Common {
  /** One line for docs/configuration.md. */
  readonly doc: string;
  /** The environment variable a Lambda reads. */
  readonly env?: string;
  /** Functions whose environment carries `env`. */
  readonly functions?: readonly FunctionName[];
  /** The CDK context key (`-c key=value`, cdk.json "context"). */
  readonly context?: string;
  /** The construct prop, as `Construct.prop`: flat, so the construct's props derive from the table. */
  readonly prop?: string;
  /** The field a manual sweeper run may override it with. */
  readonly override?: string;
  /** A context key this setting replaced; using the old one says so. */
  readonly replaces?: string;
  /** The Connect API whose calls a rate setting paces (the sweeper's rate limiter). */
  readonly api?: string;
  /** A value to suggest in a fix, e.g. a command that makes one. */
  readonly example?: string;
  /** The unit of a number, for the docs. */
  readonly unit?: string;
  /** The default as the docs show it, when it depends on other settings. */
  readonly defaultDoc?: string;
  /**
   * Where one place must accept less than the others, on purpose; the reason shows in the docs.
   * `where` names the place (a function, or `override` for a manual sweep).
   */
  readonly stricter?: {
    readonly where: string;
    readonly min?: number;
    readonly max?: number;
    readonly why: string;
  };
}

export interface BooleanSetting extends Common {
  readonly kind: 'boolean';
  readonly default: boolean;
}

export interface NumberSetting extends Common {
  readonly kind: 'integer' | 'number';
  readonly default?: number;
  readonly min: number;
  readonly max: number;
}

/** Duration text ("90s", "15m", "24h", "7d"); the value read is in milliseconds. */
export interface DurationSetting extends Common {
  readonly kind: 'duration';
  readonly default: string;
  readonly min: string;
  readonly max: string;
}

export interface ChoiceSetting extends Common {
  readonly kind: 'choice';
  readonly choices: readonly string[];
  readonly default: string;
}

export interface TextSetting extends Common {
  readonly kind: 'text';
  readonly default?: string;
  /** What a valid value looks like, for errors and the docs ("an email address"). */
  readonly expected: string;
  readonly pattern?: RegExp;
  readonly minLength?: number;
  /** Never echoed in an error or the docs. */
  readonly secret?: boolean;
}

/** Comma-separated in the environment; a JSON array or comma-separated in context. */
export interface ListSetting extends Common {
  readonly kind: 'queue-ids' | 'instance-ids' | 'instance-arns';
}

/**
 * A JSON document (text in the environment and with `-c`, JSON in cdk.json), whose own parser
 * checks it in detail; the table only says what it looks like.
 */
export interface JsonSetting extends Common {
  readonly kind: 'json';
  readonly expected: string;
}

export type Setting =
  | JsonSetting
  | BooleanSetting
  | NumberSetting
  | DurationSetting
  | ChoiceSetting
  | TextSetting
  | ListSetting;

/** A Connect API's client-side rate: its context key is its name, and so is its prop. */
const rate = <Api extends string, Name extends string, Env extends string>(
  api: Api,
  env: Env,
  context: Name,
  defaultValue: number,
  quota: string,
  min = 0.1,
) =>
  ({
    kind: 'number' as const,
    doc: `${api} calls per second the sweeper allows itself; ${quota}.`,
    api,
    env,
    functions: sweeper,
    context,
    prop: `CallbackSweeper.${context}` as const,
    unit: 'calls/s',
    default: defaultValue,
    min,
    max: 1_000,
  }) satisfies NumberSetting;

export const settings = {
  // The deployment: which parts, where.
  instanceArn: {
    kind: 'text',
    doc: 'ARN of the Amazon Connect instance. Required to deploy to AWS (this or `instanceArns`); without it synth still works and warns.',
    context: 'instanceArn',
    expected:
      'an Amazon Connect instance ARN like arn:aws:connect:us-east-1:123456789012:instance/<uuid>',
  },
  // Several instances (issue 11): kept in one block, next to instanceArn.
  instanceArns: {
    kind: 'instance-arns',
    doc: 'ARNs of several Amazon Connect instances of one account, as a JSON array or comma-separated. With `instanceArn` too, the stack serves both (instanceArn first), each once. The first instance keeps the resource names of a single-instance deploy; instances of another Region get a stack of their own (docs/deploy.md, "Several instances and Regions").',
    context: 'instanceArns',
    example:
      'arn:aws:connect:us-east-1:123456789012:instance/<uuid>,arn:aws:connect:us-east-1:123456789012:instance/<uuid>',
    defaultDoc: 'none',
  },
  endContactFunction: {
    kind: 'boolean',
    doc: 'Deploy the flow Lambda (`EndContact`).',
    context: 'endContactFunction',
    default: true,
  },
  stopContactApi: {
    kind: 'boolean',
    doc: "Deploy the HTTP API. Off by default in local mode: HTTP APIs are not in LocalStack's free plan.",
    context: 'stopContactApi',
    default: true,
    defaultDoc: '`true`; `false` when `local` is true',
  },
  callbackSweeper: {
    kind: 'boolean',
    doc: 'Deploy the callback tracker, its table and the sweeper.',
    context: 'callbackSweeper',
    default: true,
  },
  connectIntegration: {
    kind: 'boolean',
    doc: 'Associate the flow Lambda with each instance and let Connect invoke it.',
    context: 'connectIntegration',
    default: false,
    defaultDoc: '`true` when `instanceArn` or `instanceArns` is set and `local` is not',
  },
  sampleFlow: {
    kind: 'boolean',
    doc: 'Create the sample contact flow (needs `instanceArn` and `connectIntegration`).',
    context: 'sampleFlow',
    default: false,
  },
  flowModule: {
    kind: 'boolean',
    doc: "Create the End a Contact flow module (CXone's block, with its inputs, outputs and branches) when the flow Lambda is associated with an instance.",
    context: 'flowModule',
    default: true,
  },
  flowModuleExternalInvocation: {
    kind: 'boolean',
    doc: "Let Connect's AI agents call the End a Contact flow module as a tool (its ExternalInvocationConfiguration, which Connect takes only at creation: changing it replaces the module, and an open module publishes a version for the agents); the SecurityUser check still applies.",
    context: 'flowModuleExternalInvocation',
    default: false,
  },
  dashboard: {
    kind: 'boolean',
    doc: "Create the CloudWatch dashboard: the sweeper's run metrics, the tracker's errors and dead-letter queue, the End a Contact functions, and Connect's queue metrics for the instance. Off by default in local mode.",
    context: 'dashboard',
    default: true,
    defaultDoc: '`true`; `false` when `local` is true',
  },
  logRetentionDays: {
    kind: 'integer',
    doc: 'Retention of every log group, one of the values CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, …).',
    context: 'logRetentionDays',
    prop: 'logRetention',
    unit: 'days',
    default: 30,
    min: 1,
    max: 3_653,
  },
  alarmEmail: {
    kind: 'text',
    doc: 'Email subscribed to an encrypted SNS topic that every alarm notifies; without it, alarms have no actions.',
    context: 'alarmEmail',
    prop: 'Alarms.email',
    expected: 'an email address',
    pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/,
  },
  apiRateLimit: {
    kind: 'number',
    doc: 'Steady-state requests per second the HTTP API lets through; above it callers get 429.',
    context: 'apiRateLimit',
    prop: 'StopContactApi.throttlingRateLimit',
    unit: 'requests/s',
    default: 5,
    min: 0.1,
    max: 10_000,
  },
  apiBurstLimit: {
    kind: 'integer',
    doc: 'Requests the HTTP API lets through in a burst.',
    context: 'apiBurstLimit',
    prop: 'StopContactApi.throttlingBurstLimit',
    unit: 'requests',
    default: 10,
    min: 1,
    max: 5_000,
  },
  local: {
    kind: 'boolean',
    doc: 'LocalStack mode: no `AWS::Connect::*` resources; the Lambdas call `localConnectEndpoint`.',
    context: 'local',
    default: false,
  },
  localConnectEndpoint: {
    kind: 'text',
    doc: 'The local Amazon Connect as the Lambda containers reach it (local mode only).',
    context: 'localConnectEndpoint',
    default: 'http://host.docker.internal:8017',
    expected: 'an http(s) URL such as http://host.docker.internal:8017',
    pattern: /^https?:\/\/[^\s/]+(:\d+)?\/?$/,
  },

  // End a Contact (the flow Lambda and the HTTP API).
  requireSecurityUser: {
    kind: 'boolean',
    doc: 'Refuse a request without a SecurityUser (OnInvalidSecurityUser, or 403).',
    env: 'REQUIRE_SECURITY_USER',
    functions: endContactDoors,
    context: 'requireSecurityUser',
    default: false,
  },
  requiredPermission: {
    kind: 'text',
    doc: "Security-profile permission a SecurityUser's profiles must hold.",
    env: 'REQUIRED_PERMISSION',
    functions: endContactDoors,
    context: 'requiredPermission',
    default: 'StopContact.Enabled',
    expected: 'a security-profile permission name such as StopContact.Enabled',
    pattern: /^[A-Za-z][A-Za-z0-9._-]{0,127}$/,
  },
  securityUserCacheTtlSeconds: {
    kind: 'integer',
    doc: "How long a SecurityUser's permissions are cached per container.",
    env: 'SECURITY_USER_CACHE_TTL_SECONDS',
    functions: endContactDoors,
    context: 'securityUserCacheTtlSeconds',
    unit: 's',
    default: 60,
    min: 1,
    max: 3_600,
  },
  deadlineMs: {
    kind: 'integer',
    doc: 'Total time one request may spend on Connect calls, retries included.',
    env: 'DEADLINE_MS',
    functions: endContactDoors,
    unit: 'ms',
    default: 5_000,
    min: 500,
    max: 28_000,
    stricter: {
      where: 'end-contact',
      max: 6_000,
      why: 'Connect waits at most 8 s for a flow’s Lambda',
    },
  },

  // The Connect client of every function.
  connectMaxAttempts: {
    kind: 'integer',
    doc: 'Attempts per Connect call, the first included; retries back off on throttles and 5xx.',
    env: 'CONNECT_MAX_ATTEMPTS',
    functions: [...endContactDoors, ...sweeper],
    default: 3,
    min: 1,
    max: 10,
  },
  connectConnectionTimeoutMs: {
    kind: 'integer',
    doc: 'Socket connect timeout of one Connect call attempt.',
    env: 'CONNECT_CONNECTION_TIMEOUT_MS',
    functions: [...endContactDoors, ...sweeper],
    unit: 'ms',
    default: 500,
    min: 50,
    max: 10_000,
  },
  connectRequestTimeoutMs: {
    kind: 'integer',
    doc: 'Time one Connect call attempt may wait for its response; short, so a retry fits in the deadline.',
    env: 'CONNECT_REQUEST_TIMEOUT_MS',
    functions: [...endContactDoors, ...sweeper],
    unit: 'ms',
    default: 1_500,
    min: 100,
    max: 30_000,
  },

  // The callback tracker and sweeper.
  callbackTableName: {
    kind: 'text',
    doc: 'The callback registry table; the stack sets it.',
    env: 'CALLBACK_TABLE_NAME',
    functions: ['callback-tracker', 'callback-sweeper'],
    prop: 'CallbackSweeper.table',
    expected: 'a DynamoDB table name',
    pattern: /^[A-Za-z0-9_.-]{3,255}$/,
  },
  instanceIds: {
    kind: 'instance-ids',
    doc: 'The instances the sweeper sweeps; the stack sets those of `instanceArn` and `instanceArns` in its Region.',
    env: 'CONNECT_INSTANCE_IDS',
    functions: sweeper,
    override: 'instanceIds',
    prop: 'CallbackSweeper.instanceArns',
  },
  sweepMode: {
    kind: 'choice',
    doc: '`report` lists what would be ended and changes nothing; `end` ends stuck callbacks.',
    env: 'SWEEP_MODE',
    functions: sweeper,
    override: 'mode',
    context: 'sweepMode',
    prop: 'CallbackSweeper.mode',
    choices: ['report', 'end'],
    default: 'report',
  },
  maxQueuedAge: {
    kind: 'duration',
    doc: 'A callback queued longer than this is stuck; under 5m every queued callback would be.',
    env: 'MAX_QUEUED_AGE',
    functions: sweeper,
    override: 'maxQueuedAge',
    context: 'maxQueuedAge',
    prop: 'CallbackSweeper.maxQueuedAge',
    default: '24h',
    min: '5m',
    max: '14d',
  },
  maxStopsPerRun: {
    kind: 'integer',
    doc: 'At most this many callbacks ended per run (0 ends nothing).',
    env: 'MAX_STOPS_PER_RUN',
    functions: sweeper,
    override: 'maxStops',
    context: 'maxStopsPerRun',
    prop: 'CallbackSweeper.maxStopsPerRun',
    default: 50,
    min: 0,
    max: 100_000,
  },
  queueAllowList: {
    kind: 'queue-ids',
    doc: 'When set, only callbacks in these queues (IDs or ARNs) are ended.',
    env: 'QUEUE_ALLOW_LIST',
    functions: sweeper,
    override: 'queueAllowList',
    context: 'queueAllowList',
    prop: 'CallbackSweeper.queueAllowList',
    defaultDoc: 'every queue',
  },
  queueDenyList: {
    kind: 'queue-ids',
    doc: 'Callbacks in these queues (IDs or ARNs) are never ended.',
    env: 'QUEUE_DENY_LIST',
    functions: sweeper,
    override: 'queueDenyList',
    context: 'queueDenyList',
    prop: 'CallbackSweeper.queueDenyList',
    defaultDoc: 'none',
  },
  tagEndedContacts: {
    kind: 'boolean',
    doc: 'After stopping a callback, tag it `EndedBy=callback-sweeper` and `EndReason` (best effort).',
    env: 'TAG_ENDED_CONTACTS',
    functions: sweeper,
    override: 'tagEndedContacts',
    context: 'tagEndedContacts',
    replaces: 'tagBeforeStop',
    prop: 'CallbackSweeper.tagEndedContacts',
    default: true,
  },
  discoverCallbacks: {
    kind: 'boolean',
    doc: 'Each run also asks SearchContacts for queued callbacks the registry lacks (a backstop for lost events).',
    env: 'DISCOVER_CALLBACKS',
    functions: sweeper,
    override: 'discoverCallbacks',
    context: 'discoverCallbacks',
    prop: 'CallbackSweeper.discoverCallbacks',
    default: true,
  },
  duplicatesPolicy: {
    kind: 'choice',
    doc: '`keep-oldest` also ends younger callbacks of one customer number in one queue; needs `phoneHashSalt`.',
    env: 'DUPLICATES_POLICY',
    functions: sweeper,
    context: 'duplicatesPolicy',
    prop: 'CallbackSweeper.duplicatesPolicy',
    choices: ['off', 'keep-oldest'],
    default: 'off',
  },
  phoneHashSalt: {
    kind: 'text',
    doc: 'Key of the in-memory HMAC that compares customer numbers (never stored or logged); required with `keep-oldest`.',
    env: 'PHONE_HASH_SALT',
    functions: sweeper,
    context: 'phoneHashSalt',
    prop: 'CallbackSweeper.phoneHashSalt',
    expected: 'a random string of at least 16 characters',
    example: '$(openssl rand -hex 16)',
    minLength: 16,
    secret: true,
  },
  reconcile: {
    kind: 'boolean',
    doc: "After a complete run, compare each queue's oldest contact (GetCurrentMetricData) with the registry.",
    env: 'RECONCILE',
    functions: sweeper,
    override: 'reconcile',
    context: 'reconcile',
    prop: 'CallbackSweeper.reconcile',
    default: true,
  },
  reconcileQueueIds: {
    kind: 'queue-ids',
    doc: 'Queues (IDs or ARNs) always reconciled, besides the allow list and the queues in the registry.',
    env: 'RECONCILE_QUEUE_IDS',
    functions: sweeper,
    context: 'reconcileQueueIds',
    prop: 'CallbackSweeper.reconcileQueueIds',
    defaultDoc: 'none',
  },
  describeRatePerSecond: rate(
    'DescribeContact',
    'DESCRIBE_CONTACT_RPS',
    'describeRatePerSecond',
    5,
    'quota 10/s',
  ),
  stopRatePerSecond: rate(
    'StopContact',
    'STOP_CONTACT_RPS',
    'stopRatePerSecond',
    2,
    'quota 10/s, 2/s on older accounts',
  ),
  tagRatePerSecond: rate(
    'TagContact',
    'TAG_CONTACT_RPS',
    'tagRatePerSecond',
    2,
    'quota 20/s; one per ended callback',
  ),
  metricDataRatePerSecond: rate(
    'GetCurrentMetricData',
    'GET_CURRENT_METRIC_DATA_RPS',
    'metricDataRatePerSecond',
    2,
    'quota 5/s',
  ),
  getContactMetricsRatePerSecond: rate(
    'GetContactMetrics',
    'GET_CONTACT_METRICS_RPS',
    'getContactMetricsRatePerSecond',
    2,
    'not in the quota table, so the default for unlisted APIs, 2/s (burst 5)',
  ),
  searchContactsRatePerSecond: rate(
    'SearchContacts',
    'SEARCH_CONTACTS_RPS',
    'searchContactsRatePerSecond',
    0.5,
    'quota 0.5/s',
    0.05,
  ),
  schedule: {
    kind: 'text',
    doc: 'When the sweeper runs: an EventBridge `rate(...)` or `cron(...)` expression.',
    context: 'schedule',
    prop: 'CallbackSweeper.schedule',
    default: 'rate(15 minutes)',
    expected:
      'an EventBridge schedule such as "rate(15 minutes)", "rate(1 hour)" or "cron(0/15 * * * ? *)"',
  },
  sweeperReservedConcurrency: {
    kind: 'boolean',
    doc: 'Reserve a concurrency of 1 for the sweeper so two runs never overlap (needs an account limit above 100).',
    context: 'sweeperReservedConcurrency',
    prop: 'CallbackSweeper.reserveConcurrency',
    default: true,
  },
  sweepConcurrency: {
    kind: 'integer',
    doc: 'Candidates verified and acted on at once; each still waits for its API’s rate.',
    env: 'SWEEP_CONCURRENCY',
    functions: sweeper,
    default: 8,
    min: 1,
    max: 100,
  },
  registryPageSize: {
    kind: 'integer',
    doc: 'Registry items read per query page.',
    env: 'REGISTRY_PAGE_SIZE',
    functions: sweeper,
    default: 100,
    min: 1,
    max: 1_000,
  },
  timeBudgetMargin: {
    kind: 'duration',
    doc: "Kept back from the sweeper's remaining time: no new candidate starts inside it.",
    env: 'TIME_BUDGET_MARGIN',
    functions: sweeper,
    default: '10s',
    min: '1s',
    max: '10m',
  },
  reconcileTolerance: {
    kind: 'duration',
    doc: "A queue's oldest contact counts as explained by a tracked callback at most this much younger.",
    env: 'RECONCILE_TOLERANCE',
    functions: sweeper,
    default: '2m',
    min: '1s',
    max: '1h',
  },
  maxDecisionsInReport: {
    kind: 'integer',
    doc: "Decisions listed in a run's report; its counts always cover every candidate.",
    env: 'MAX_DECISIONS_IN_REPORT',
    functions: sweeper,
    default: 500,
    min: 0,
    max: 10_000,
  },

  // Sweep policies (docs/sweep-policies.md): rules per instance and queue, and scheduled clears.
  sweepPolicies: {
    kind: 'json',
    doc: 'Ordered sweep rules, the first match wins: instance, queues, maxQueuedAge, mode, duplicatesPolicy, schedules (docs/sweep-policies.md). Unset: one rule for every queue from the settings above.',
    env: 'SWEEP_POLICIES',
    functions: sweeper,
    context: 'sweepPolicies',
    prop: 'CallbackSweeper.policies',
    expected: 'a JSON array of sweep rules (docs/sweep-policies.md)',
    defaultDoc: 'one rule: every queue, `maxQueuedAge`, `sweepMode`, `duplicatesPolicy`',
  },
  sweepPoliciesFile: {
    kind: 'text',
    doc: 'A JSON file of sweep rules, read at synth, instead of `sweepPolicies`.',
    context: 'sweepPoliciesFile',
    expected: 'a path to a JSON file, relative to the directory cdk runs in',
    pattern: /^\S.*\.json$/,
  },
} as const satisfies Record<string, Setting>;

export type SettingName = keyof typeof settings;

/** The namespace of the project's CloudWatch metrics (the sweeper's runs, the End a Contact outcomes). */
export const metricsNamespace = 'AmazonConnectEndContact';
