import {
  readBoolean,
  readDurationMs,
  readInteger,
  readNumber,
  readOptionalString,
  readString,
} from '../config.js';
import type { ConnectClientOptions } from '../connect/client.js';
import { foreignArnMessage, toInstanceId } from '../connect/identifiers.js';
import { ConfigurationError } from '../errors.js';
import { queueIdFromArn } from './events.js';
import type { SweepOptions } from './sweep.js';

type Env = Readonly<Record<string, string | undefined>>;

export const sweepModes = ['report', 'end'] as const;
/** `report` makes no mutating call to Connect and writes nothing; `end` ends what qualifies. */
export type SweepMode = (typeof sweepModes)[number];

export const duplicatesPolicies = ['off', 'keep-oldest'] as const;
export type DuplicatesPolicy = (typeof duplicatesPolicies)[number];

/** What one run does; the schedule uses the configured values, a manual run may override some. */
export interface SweepSettings {
  mode: SweepMode;
  instanceIds: string[];
  maxQueuedAgeMs: number;
  maxStops: number;
  /** When non-empty, only callbacks in these queues are ended. */
  queueAllowList: string[];
  /** Callbacks in these queues are never ended. */
  queueDenyList: string[];
  /** Tag each ended callback (EndedBy, EndReason) after its stop, best effort. */
  tagEndedContacts: boolean;
  /** Search SearchContacts each run for queued callbacks the registry lacks (lost events). */
  discoverCallbacks: boolean;
  duplicatesPolicy: DuplicatesPolicy;
  /** Compare GetCurrentMetricData's oldest contact per queue with the registry after the sweep. */
  reconcile: boolean;
}

export interface SweeperConfig {
  settings: SweepSettings;
  tableName: string;
  /** Salt for hashing customer numbers; set only when the duplicates policy needs it. */
  phoneHashSalt?: string;
  ratesPerSecond: {
    DescribeContact: number;
    StopContact: number;
    TagContact: number;
    GetCurrentMetricData: number;
    GetContactMetrics: number;
    SearchContacts: number;
  };
  /** Candidates verified and acted on at the same time (each still waits for its API's rate). */
  concurrency: number;
  /** Registry items read per query page. */
  pageSize: number;
  /** Kept back from the Lambda's remaining time: no new candidate is started inside it. */
  timeBudgetMarginMs: number;
  /** Queues always reconciled, besides the allow list and the queues seen in the registry. */
  reconcileQueueIds: string[];
  /** A queue's oldest contact is explained by a tracked callback at most this much younger. */
  reconcileToleranceMs: number;
  /** Decisions listed in a run report; the counts always cover every candidate. */
  maxDecisionsInReport: number;
  connect: ConnectClientOptions;
}

/** What one run needs beyond its settings: the door supplies its clock and its deadline. */
export interface SweepRunLimits {
  /** Real time left before no new candidate may start. */
  timeLeftMs: () => number;
  /** Aborts calls still in flight when the door must answer. */
  abortSignal?: AbortSignal;
}

/** The options of one sweep, the same for every door (the Lambda handler, the local runner). */
export function sweepOptions(config: SweeperConfig, limits: SweepRunLimits): SweepOptions {
  return {
    concurrency: config.concurrency,
    pageSize: config.pageSize,
    timeLeftMs: limits.timeLeftMs,
    ...(limits.abortSignal ? { abortSignal: limits.abortSignal } : {}),
    maxDecisionsInReport: config.maxDecisionsInReport,
    reconcileQueueIds: config.reconcileQueueIds,
    reconcileToleranceMs: config.reconcileToleranceMs,
  };
}

/** Reads the sweeper's settings once, at module load; a bad value fails the cold start. */
export function readSweeperConfig(env: Env = process.env): SweeperConfig {
  const duplicatesPolicy = readChoice('DUPLICATES_POLICY', duplicatesPolicies, 'off', env);
  const phoneHashSalt = readOptionalString('PHONE_HASH_SALT', env);
  if (duplicatesPolicy === 'keep-oldest' && (!phoneHashSalt || phoneHashSalt.length < 16)) {
    throw new ConfigurationError(
      'environment variable PHONE_HASH_SALT must be set to at least 16 characters when DUPLICATES_POLICY is keep-oldest',
    );
  }
  return {
    settings: {
      mode: readChoice('SWEEP_MODE', sweepModes, 'report', env),
      instanceIds: readInstanceIds('CONNECT_INSTANCE_IDS', env),
      maxQueuedAgeMs: readDurationMs('MAX_QUEUED_AGE', '24h', env),
      maxStops: readInteger('MAX_STOPS_PER_RUN', 500, { min: 0, max: 100_000 }, env),
      queueAllowList: readQueueIds('QUEUE_ALLOW_LIST', env),
      queueDenyList: readQueueIds('QUEUE_DENY_LIST', env),
      tagEndedContacts: readBoolean('TAG_ENDED_CONTACTS', true, env),
      discoverCallbacks: readBoolean('DISCOVER_CALLBACKS', true, env),
      duplicatesPolicy,
      reconcile: readBoolean('RECONCILE', true, env),
    },
    tableName: readString('CALLBACK_TABLE_NAME', undefined, env),
    ...(duplicatesPolicy === 'keep-oldest' ? { phoneHashSalt } : {}),
    ratesPerSecond: {
      DescribeContact: readNumber('DESCRIBE_CONTACT_RPS', 8, { min: 0.1, max: 1_000 }, env),
      StopContact: readNumber('STOP_CONTACT_RPS', 8, { min: 0.1, max: 1_000 }, env),
      TagContact: readNumber('TAG_CONTACT_RPS', 4, { min: 0.1, max: 1_000 }, env),
      GetCurrentMetricData: readNumber(
        'GET_CURRENT_METRIC_DATA_RPS',
        4,
        { min: 0.1, max: 1_000 },
        env,
      ),
      // Not in the admin guide's quota table: unlisted APIs get 2 requests per second, burst 5.
      GetContactMetrics: readNumber('GET_CONTACT_METRICS_RPS', 2, { min: 0.1, max: 1_000 }, env),
      SearchContacts: readNumber('SEARCH_CONTACTS_RPS', 0.5, { min: 0.05, max: 1_000 }, env),
    },
    concurrency: readInteger('SWEEP_CONCURRENCY', 8, { min: 1, max: 100 }, env),
    pageSize: readInteger('REGISTRY_PAGE_SIZE', 100, { min: 1, max: 1_000 }, env),
    timeBudgetMarginMs: readDurationMs('TIME_BUDGET_MARGIN', '10s', env),
    reconcileQueueIds: readQueueIds('RECONCILE_QUEUE_IDS', env),
    reconcileToleranceMs: readDurationMs('RECONCILE_TOLERANCE', '2m', env),
    maxDecisionsInReport: readInteger('MAX_DECISIONS_IN_REPORT', 500, { min: 0, max: 10_000 }, env),
    connect: {
      maxAttempts: readInteger('CONNECT_MAX_ATTEMPTS', 3, { min: 1, max: 10 }, env),
      connectionTimeoutMs: readInteger(
        'CONNECT_CONNECTION_TIMEOUT_MS',
        1_000,
        { min: 50, max: 10_000 },
        env,
      ),
      requestTimeoutMs: readInteger(
        'CONNECT_REQUEST_TIMEOUT_MS',
        3_000,
        { min: 100, max: 30_000 },
        env,
      ),
    },
  };
}

function readChoice<const T extends readonly string[]>(
  name: string,
  choices: T,
  fallback: T[number],
  env: Env,
): T[number] {
  const value = readString(name, fallback, env).toLowerCase();
  if ((choices as readonly string[]).includes(value)) return value as T[number];
  throw new ConfigurationError(
    `environment variable ${name} must be one of ${choices.join(', ')}, got "${value}"`,
  );
}

function readList(name: string, env: Env): string[] {
  return (env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function readInstanceIds(name: string, env: Env): string[] {
  const values = readList(name, env);
  if (values.length === 0) {
    throw new ConfigurationError(
      `environment variable ${name} is required: a comma-separated list of Amazon Connect instance IDs or ARNs`,
    );
  }
  return [
    ...new Set(
      values.map((value) => {
        const ref = toInstanceId(value);
        if (!ref.ok)
          throw new ConfigurationError(`environment variable ${name}: "${value}" ${ref.message}`);
        // The function's grants and client cover its own Region only (its account: see the door).
        const foreign = foreignArnMessage(value, { region: env.AWS_REGION });
        if (foreign)
          throw new ConfigurationError(`environment variable ${name}: "${value}" ${foreign}`);
        return ref.instanceId;
      }),
    ),
  ];
}

const queueIdPattern = /^[A-Za-z0-9-]{1,100}$/;

/** A queue ID, or the ID in a queue ARN; undefined when it is neither. */
export function toQueueId(value: string): string | undefined {
  if (value.startsWith('arn:')) return queueIdFromArn(value);
  return queueIdPattern.test(value) ? value : undefined;
}

function readQueueIds(name: string, env: Env): string[] {
  return [
    ...new Set(
      readList(name, env).map((value) => {
        const id = toQueueId(value);
        if (!id) {
          throw new ConfigurationError(
            `environment variable ${name}: "${value}" is not a queue ID or queue ARN (arn:aws:connect:<region>:<account>:instance/<instance id>/queue/<queue id>)`,
          );
        }
        return id;
      }),
    ),
  ];
}
