import {
  type ConnectClient,
  DescribeUserCommand,
  ListSecurityProfilePermissionsCommand,
  SearchUsersCommand,
} from '@aws-sdk/client-connect';
import type { LRUCache } from 'lru-cache';
import type { CallOptions } from '../connect/client.js';
import { outcomeFromError } from '../connect/errors.js';
import { toUserRef } from '../connect/identifiers.js';
import type { FailureOutcome } from '../connect/outcome.js';

export interface SecurityUserCheckOptions {
  /** Security-profile permission that allows ending contacts. */
  requiredPermission: string;
  /** How long answers are reused; ListSecurityProfilePermissions is limited to 2 requests/s. */
  cacheTtlMs: number;
  /** Entries kept per container. */
  cacheMaxEntries?: number;
  /** Milliseconds clock for cache expiry, for tests. @default performance.now */
  now?: () => number;
}

/** Unknown users are remembered briefly: long enough to spare the quota, short enough for new hires. */
const unknownUserTtlMs = 5_000;
const unknownUser = Symbol('unknown user');
type ResolvedUser = { userId: string; securityProfileIds: string[] };

export type SecurityUserCheck = { kind: 'authorized'; userId: string } | FailureOutcome;

interface Caches {
  profilesByUser: LRUCache<string, ResolvedUser | typeof unknownUser>;
  permissionsByProfile: LRUCache<string, ReadonlySet<string>>;
}

/**
 * Maps CXone's SecurityUser onto Connect: the named user must exist, and one of its security
 * profiles must grant the required permission.
 */
export class SecurityUserAuthorizer {
  readonly #client: ConnectClient;
  readonly #options: SecurityUserCheckOptions;
  #caches: Promise<Caches> | undefined;

  constructor(client: ConnectClient, options: SecurityUserCheckOptions) {
    this.#client = client;
    this.#options = options;
  }

  /** Built by the first check: a cold start without a SecurityUser never runs lru-cache's module. */
  #cachesOnFirstUse(): Promise<Caches> {
    this.#caches ??= import('lru-cache').then(({ LRUCache }) => {
      const options = this.#options;
      const cache = {
        max: options.cacheMaxEntries ?? 500,
        ttl: options.cacheTtlMs,
        // Read the clock on every lookup rather than caching it for a millisecond.
        ttlResolution: 0,
        ...(options.now ? { perf: { now: options.now } } : {}),
      };
      return { profilesByUser: new LRUCache(cache), permissionsByProfile: new LRUCache(cache) };
    });
    return this.#caches;
  }

  async check(
    instanceId: string,
    securityUser: string,
    options: CallOptions = {},
  ): Promise<SecurityUserCheck> {
    try {
      const user = await this.#resolveUser(instanceId, securityUser, options);
      if (!user) {
        return {
          kind: 'invalid-security-user',
          code: 'InvalidSecurityUser',
          message: 'SecurityUser does not name a user of this Amazon Connect instance',
        };
      }
      for (const profileId of user.securityProfileIds) {
        const permissions = await this.#permissionsOf(instanceId, profileId, options);
        if (permissions.has(this.#options.requiredPermission)) {
          return { kind: 'authorized', userId: user.userId };
        }
      }
      return {
        kind: 'unauthorized',
        code: 'AccessDeniedException',
        message: `SecurityUser's security profiles do not grant ${this.#options.requiredPermission}`,
      };
    } catch (error) {
      return outcomeFromError(error, 'security-user');
    }
  }

  async #resolveUser(
    instanceId: string,
    securityUser: string,
    options: CallOptions,
  ): Promise<ResolvedUser | undefined> {
    const { profilesByUser } = await this.#cachesOnFirstUse();
    const key = `${instanceId}/${securityUser}`;
    const cached = profilesByUser.get(key);
    if (cached) return cached === unknownUser ? undefined : cached;

    const ref = toUserRef(securityUser);
    // A user ARN of another instance never names a user of this one.
    if (ref.by === 'id' && ref.instanceId && ref.instanceId !== instanceId) return undefined;
    let resolved: ResolvedUser | undefined;
    if (ref.by === 'id') {
      const User = await this.#client
        .send(new DescribeUserCommand({ InstanceId: instanceId, UserId: ref.userId }), {
          abortSignal: options.abortSignal,
        })
        .then(
          (output) => output.User,
          (error: unknown) => {
            if ((error as { name?: string }).name === 'ResourceNotFoundException') return undefined;
            throw error;
          },
        );
      if (User?.Id) {
        resolved = { userId: User.Id, securityProfileIds: User.SecurityProfileIds ?? [] };
      }
    } else {
      const { Users } = await this.#client.send(
        new SearchUsersCommand({
          InstanceId: instanceId,
          MaxResults: 2,
          SearchCriteria: {
            StringCondition: {
              FieldName: 'Username',
              Value: ref.username,
              ComparisonType: 'EXACT',
            },
          },
        }),
        { abortSignal: options.abortSignal },
      );
      const match = Users?.find((u) => u.Username === ref.username);
      if (match?.Id) {
        resolved = { userId: match.Id, securityProfileIds: match.SecurityProfileIds ?? [] };
      }
    }
    if (resolved) profilesByUser.set(key, resolved);
    else {
      profilesByUser.set(key, unknownUser, {
        ttl: Math.min(unknownUserTtlMs, this.#options.cacheTtlMs),
      });
    }
    return resolved;
  }

  async #permissionsOf(
    instanceId: string,
    securityProfileId: string,
    options: CallOptions,
  ): Promise<ReadonlySet<string>> {
    const { permissionsByProfile } = await this.#cachesOnFirstUse();
    const key = `${instanceId}/${securityProfileId}`;
    const cached = permissionsByProfile.get(key);
    if (cached) return cached;

    const permissions = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await this.#client.send(
        new ListSecurityProfilePermissionsCommand({
          InstanceId: instanceId,
          SecurityProfileId: securityProfileId,
          // The largest page Connect allows: most profiles then take one call of a 2 rps quota.
          MaxResults: 1000,
          NextToken: nextToken,
        }),
        { abortSignal: options.abortSignal },
      );
      for (const permission of page.Permissions ?? []) permissions.add(permission);
      nextToken = page.NextToken;
    } while (nextToken);

    permissionsByProfile.set(key, permissions);
    return permissions;
  }
}
