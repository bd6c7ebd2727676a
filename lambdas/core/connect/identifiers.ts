/** Amazon Connect instance ARN: arn:<partition>:connect:<region>:<account>:instance/<instance id>. */
const instanceArnPattern =
  /^arn:aws(?:-[a-z]+)*:connect:[a-z]{2}(?:-[a-z]+)+-\d:\d{12}:instance\/([A-Za-z0-9-]{1,100})$/;
const instanceIdPattern = /^[A-Za-z0-9-]{1,100}$/;

export type InstanceRef = { ok: true; instanceId: string } | { ok: false; message: string };

/** Accepts an instance ID or an instance ARN and returns the instance ID. */
export function toInstanceId(value: string): InstanceRef {
  if (value.startsWith('arn:')) {
    const match = instanceArnPattern.exec(value);
    return match?.[1]
      ? { ok: true, instanceId: match[1] }
      : {
          ok: false,
          message:
            'is not a valid Amazon Connect instance ARN (expected arn:aws:connect:<region>:<account>:instance/<instance id>)',
        };
  }
  return instanceIdPattern.test(value)
    ? { ok: true, instanceId: value }
    : {
        ok: false,
        message: 'must be an instance ID of 1-100 letters, digits or hyphens, or an instance ARN',
      };
}

/** Amazon Connect queue ARN: arn:<partition>:connect:<region>:<account>:instance/<id>/queue/<queue id>. */
const queueArnPattern =
  /^arn:aws(?:-[a-z]+)*:connect:[a-z0-9-]+:\d{12}:instance\/[A-Za-z0-9-]{1,100}\/queue\/([A-Za-z0-9-]{1,100})$/;
const queueIdPattern = /^[A-Za-z0-9-]{1,100}$/;

/** A queue ID, or the ID in a queue ARN; undefined when it is neither. */
export function toQueueId(value: string): string | undefined {
  if (value.startsWith('arn:')) return queueArnPattern.exec(value)?.[1];
  return queueIdPattern.test(value) ? value : undefined;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const userArnPattern =
  /^arn:aws(?:-[a-z]+)*:connect:[a-z0-9-]+:\d{12}:instance\/([A-Za-z0-9-]{1,100})\/agent\/([A-Za-z0-9-]{1,256})$/;

/**
 * A SecurityUser names a Connect user by ID, by user ARN (which also names its instance) or by
 * username.
 */
export type UserRef =
  | { by: 'id'; userId: string; instanceId?: string }
  | { by: 'username'; username: string };

export function toUserRef(securityUser: string): UserRef {
  const arnMatch = userArnPattern.exec(securityUser);
  if (arnMatch?.[1] && arnMatch[2]) {
    return { by: 'id', userId: arnMatch[2], instanceId: arnMatch[1] };
  }
  if (uuidPattern.test(securityUser)) return { by: 'id', userId: securityUser };
  return { by: 'username', username: securityUser };
}

/** The account and Region a function runs in; a Connect ARN from elsewhere is refused. */
export interface Owner {
  accountId?: string;
  region?: string;
  /** Whose account and Region, in a refusal. @default "this function's" */
  whose?: string;
}

const connectArnPattern = /^arn:aws(?:-[a-z]+)*:connect:([a-z0-9-]+):(\d{12}):/;
const functionArnPattern = /^arn:aws(?:-[a-z]+)*:lambda:([a-z0-9-]+):(\d{12}):function:/;

/** A function's own account (from its invoked ARN) and Region (AWS_REGION). */
export function ownerOf(invokedFunctionArn: string | undefined, region: string | undefined): Owner {
  const match = functionArnPattern.exec(invokedFunctionArn ?? '');
  return {
    ...(match?.[2] ? { accountId: match[2] } : {}),
    ...(region ? { region } : match?.[1] ? { region: match[1] } : {}),
  };
}

/**
 * Why a Connect ARN may not be used by a function of `owner`, or undefined when it may (IDs and
 * ARNs of its own account and Region). The function's IAM grants and client cover only those;
 * an ARN from elsewhere would otherwise be cut down to its ID and silently act here.
 */
export function foreignArnMessage(value: string, owner: Owner): string | undefined {
  const match = connectArnPattern.exec(value);
  if (!match) return undefined;
  const [, region, accountId] = match;
  if (owner.accountId && accountId !== owner.accountId) {
    return `is in account ${accountId}, not ${owner.whose ?? "this function's"} account ${owner.accountId}: use an instance of its own account`;
  }
  if (owner.region && region !== owner.region) {
    return `is in Region ${region}, not ${owner.whose ?? "this function's"} Region ${owner.region}: deploy a stack in ${region} for it`;
  }
  return undefined;
}

/**
 * The one parser of an instance reference at every door: an instance ID, or an instance ARN of
 * `owner`'s account and Region, as its ID. An ARN from elsewhere is refused, never cut down to its
 * ID (which would act on an instance of the same ID here).
 */
export function toOwnInstanceId(value: string, owner: Owner): InstanceRef {
  const ref = toInstanceId(value);
  if (!ref.ok) return ref;
  const foreign = foreignArnMessage(value, owner);
  return foreign ? { ok: false, message: foreign } : ref;
}

export type QueueRef = { ok: true; queueId: string } | { ok: false; message: string };

/** The one parser of a queue reference: a queue ID, or a queue ARN of `owner`'s account and Region. */
export function toOwnQueueId(value: string, owner: Owner): QueueRef {
  const queueId = toQueueId(value);
  if (!queueId) return { ok: false, message: 'must be a queue ID or a queue ARN' };
  const foreign = foreignArnMessage(value, owner);
  return foreign ? { ok: false, message: foreign } : { ok: true, queueId };
}

/** An ARN given in a setting, and where, so it can be checked once the account is known. */
export interface ConnectArnRef {
  /** e.g. `environment variable SWEEP_POLICIES: rule 1 ("billing"), field queues` */
  where: string;
  value: string;
}

/** The first of `refs` that is not `owner`'s, as one line naming where it was given. */
export function foreignRefLine(refs: readonly ConnectArnRef[], owner: Owner): string | undefined {
  for (const ref of refs) {
    const foreign = foreignArnMessage(ref.value, owner);
    if (foreign) return `${ref.where}: "${ref.value}" ${foreign}`;
  }
  return undefined;
}
