import { randomUUID } from 'node:crypto';
import { InvalidLocalInputError, LocalEntityNotFoundError } from './errors.js';
import type { Contact, Instance, Queue, SecurityProfile, User } from './types.js';

/** Everything one Connect instance holds. Maps keep insertion order, which search results follow. */
export interface InstanceRecord {
  instance: Instance;
  queues: Map<string, Queue>;
  securityProfiles: Map<string, SecurityProfile>;
  users: Map<string, User>;
  contacts: Map<string, Contact>;
  /** Lambda function ARNs flows may invoke (AssociateLambdaFunction, or a CDK integration). */
  lambdaFunctions: string[];
}

const INSTANCE_ARN = /^arn:aws[a-z-]*:connect:[^:]*:[^:]*:instance\/([^/]+)$/;

/** The in-memory state of one emulated account and Region. */
export class ConnectState {
  private readonly instances = new Map<string, InstanceRecord>();

  constructor(
    readonly region: string,
    readonly accountId: string,
  ) {}

  instanceArn(instanceId: string): string {
    return `arn:aws:connect:${this.region}:${this.accountId}:instance/${instanceId}`;
  }

  /** Finds an instance by ID or by ARN, as Connect accepts either for `InstanceId`. */
  findInstance(idOrArn: string): InstanceRecord | undefined {
    const direct = this.instances.get(idOrArn);
    if (direct) return direct;
    const id = INSTANCE_ARN.exec(idOrArn)?.[1];
    const record = id === undefined ? undefined : this.instances.get(id);
    return record && record.instance.arn === idOrArn ? record : undefined;
  }

  requireInstance(idOrArn: string): InstanceRecord {
    const record = this.findInstance(idOrArn);
    if (!record) throw new LocalEntityNotFoundError(`instance ${idOrArn} does not exist`);
    return record;
  }

  listInstances(): InstanceRecord[] {
    return [...this.instances.values()];
  }

  addInstance(input: { id?: string; alias?: string } = {}): Instance {
    const id = input.id ?? randomUUID();
    assertId('instance id', id, 100);
    if (this.instances.has(id)) throw new InvalidLocalInputError(`instance ${id} already exists`);
    const instance: Instance = {
      id,
      arn: this.instanceArn(id),
      alias: input.alias ?? `local-${id.slice(0, 8)}`,
    };
    this.instances.set(id, {
      instance,
      queues: new Map(),
      securityProfiles: new Map(),
      users: new Map(),
      contacts: new Map(),
      lambdaFunctions: [],
    });
    return instance;
  }

  addQueue(instanceIdOrArn: string, input: { id?: string; name: string }): Queue {
    const record = this.requireInstance(instanceIdOrArn);
    const id = input.id ?? randomUUID();
    assertId('queue id', id, 256);
    assertUnique(record.queues, id, 'queue');
    const queue: Queue = {
      id,
      arn: `${record.instance.arn}/queue/${id}`,
      name: input.name,
      instanceId: record.instance.id,
    };
    record.queues.set(id, queue);
    return queue;
  }

  addSecurityProfile(
    instanceIdOrArn: string,
    input: { id?: string; name: string; permissions: string[] },
  ): SecurityProfile {
    const record = this.requireInstance(instanceIdOrArn);
    const id = input.id ?? randomUUID();
    assertId('security profile id', id, 256);
    assertUnique(record.securityProfiles, id, 'security profile');
    const profile: SecurityProfile = {
      id,
      arn: `${record.instance.arn}/security-profile/${id}`,
      name: input.name,
      permissions: [...input.permissions],
      instanceId: record.instance.id,
    };
    record.securityProfiles.set(id, profile);
    return profile;
  }

  addUser(
    instanceIdOrArn: string,
    input: { id?: string; username: string; securityProfileIds: string[] },
    nowMs: number,
  ): User {
    const record = this.requireInstance(instanceIdOrArn);
    const id = input.id ?? randomUUID();
    assertId('user id', id, 256);
    assertUnique(record.users, id, 'user');
    if (input.securityProfileIds.length < 1 || input.securityProfileIds.length > 10) {
      throw new InvalidLocalInputError(
        `user ${input.username} needs 1 to 10 securityProfileIds, got ${input.securityProfileIds.length}`,
      );
    }
    for (const profileId of input.securityProfileIds) {
      if (!record.securityProfiles.has(profileId)) {
        throw new LocalEntityNotFoundError(
          `user ${input.username}: security profile ${profileId} does not exist in instance ${record.instance.id}; seed it first`,
        );
      }
    }
    for (const user of record.users.values()) {
      if (user.username === input.username) {
        throw new InvalidLocalInputError(`username ${input.username} is already taken`);
      }
    }
    const user: User = {
      id,
      arn: `${record.instance.arn}/agent/${id}`,
      username: input.username,
      securityProfileIds: [...input.securityProfileIds],
      instanceId: record.instance.id,
      lastModifiedAt: nowMs,
    };
    record.users.set(id, user);
    return user;
  }

  /** Lets the instance's flows invoke this function, as AssociateLambdaFunction does. */
  associateLambdaFunction(instanceIdOrArn: string, functionArn: string): void {
    const record = this.requireInstance(instanceIdOrArn);
    if (!record.lambdaFunctions.includes(functionArn)) record.lambdaFunctions.push(functionArn);
  }

  clear(): void {
    this.instances.clear();
  }

  /** The whole state as plain JSON (times as epoch ms). */
  toJSON(): { region: string; accountId: string; instances: unknown[] } {
    return {
      region: this.region,
      accountId: this.accountId,
      instances: this.listInstances().map((record) => ({
        ...record.instance,
        queues: [...record.queues.values()],
        securityProfiles: [...record.securityProfiles.values()],
        users: [...record.users.values()],
        contacts: [...record.contacts.values()],
      })),
    };
  }
}

export function assertId(label: string, id: string, maxLength: number): void {
  if (typeof id !== 'string' || id.length < 1 || id.length > maxLength || id.includes('/')) {
    throw new InvalidLocalInputError(
      `${label} must be 1 to ${maxLength} characters without '/', got ${JSON.stringify(id)}`,
    );
  }
}

function assertUnique(map: Map<string, unknown>, id: string, label: string): void {
  if (map.has(id)) throw new InvalidLocalInputError(`${label} ${id} already exists`);
}
