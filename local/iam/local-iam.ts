import { runSimulation } from '@cloud-copilot/iam-simulate';
import {
  type FunctionRole,
  functionRoles,
  type LocalNames,
  localStackContext,
  type PolicyDocument,
} from './role-policies.js';

/**
 * IAM as AWS enforces it, for the local system: each function signs its calls with credentials of
 * its own, and each call is evaluated against that function's role policies (as the CDK app
 * synthesizes them) by @cloud-copilot/iam-simulate, a maintained IAM policy evaluator. Its licence
 * is AGPL-3.0: it runs in the local runner and the tests only, never in a Lambda bundle.
 */

/** Credentials a local function signs with; the access key ID names its identity. */
export interface LocalCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/** One evaluated call. */
export interface IamDecision {
  readonly service: string;
  readonly action: string;
  readonly resource: string;
  readonly allowed: boolean;
}

/** A denied call, with the message AWS gives (docs/deploy.md, "what each role may do and why"). */
export interface IamDenial {
  readonly message: string;
}

/** One simulated call, as SimulatePrincipalPolicy's EvaluationResult reports it. */
export interface SimulatedDecision {
  readonly action: string;
  readonly resource: string;
  readonly decision: 'allowed' | 'implicitDeny' | 'explicitDeny';
}

/** A granted action (one statement's action on one of its resources) of one function's role. */
export interface IamGrant {
  readonly service: string;
  readonly action: string;
  readonly resource: string;
}

/** The identity of the local runner itself (creating and emptying the table): not a deployed role. */
const ADMIN_ACCESS_KEY_ID = 'LOCALADMINISTRATOR';

const accessKeyOf = (service: string) =>
  `LOCAL${service.toUpperCase().replaceAll(/[^A-Z0-9]/g, '')}`;

export interface LocalIamOptions {
  readonly accountId: string;
  /** Off: every call is allowed and nothing is recorded (`npm start -- --no-iam`). @default true */
  readonly enforce?: boolean;
}

/** The functions of one synthesized stack, and the credentials each signs with. */
export interface StackIdentities {
  /** The credentials the function of this service signs with. */
  credentialsFor(service: string): LocalCredentials;
  /** The stack's function roles, once synthesized. */
  roles(): Promise<readonly FunctionRole[]>;
}

interface Identity {
  readonly service: string;
  readonly stack: Promise<readonly FunctionRole[]>;
}

export class LocalIam {
  readonly enforcing: boolean;
  readonly accountId: string;
  readonly #identities = new Map<string, Identity>();
  readonly #decisions: IamDecision[] = [];
  readonly #stackRoles: Promise<readonly FunctionRole[]>[] = [];
  #stacks = 0;

  constructor(options: LocalIamOptions) {
    this.enforcing = options.enforce ?? true;
    this.accountId = options.accountId;
  }

  /**
   * Adds a stack's functions. Their credentials are known at once; their roles may still be
   * synthesizing, and a call waits for them. Each stack's keys are its own, so stacks of
   * different settings can share one local Connect.
   */
  addStack(roles: Promise<readonly FunctionRole[]> | readonly FunctionRole[]): StackIdentities {
    const stack = Promise.resolve(roles);
    // A stack that fails to synthesize fails the calls that need it, not the process.
    stack.catch(() => undefined);
    this.#stackRoles.push(stack);
    const suffix = this.#stacks === 0 ? '' : String(this.#stacks);
    this.#stacks += 1;
    return {
      credentialsFor: (service) => {
        const accessKeyId = `${accessKeyOf(service)}${suffix}`;
        this.#identities.set(accessKeyId, { service, stack });
        return { accessKeyId, secretAccessKey: 'local' };
      },
      roles: () => stack,
    };
  }

  /**
   * A person's identity with these policies (the operator's, whose policy docs/cli.md gives),
   * signing with this access key ID.
   */
  addPrincipal(accessKeyId: string, name: string, policy: PolicyDocument): void {
    const role: FunctionRole = {
      service: name,
      roleLogicalId: name,
      policies: [{ name, document: policy }],
    };
    this.#identities.set(accessKeyId, { service: name, stack: Promise.resolve([role]) });
  }

  /** The local runner's own credentials, for what no deployed function does (making the table). */
  get adminCredentials(): LocalCredentials {
    return { accessKeyId: ADMIN_ACCESS_KEY_ID, secretAccessKey: 'local' };
  }

  /**
   * Whether the identity behind `accessKeyId` may call `action` on every one of `resources`; a
   * denial carries AWS's message. The runner's own key is allowed everything; a key no function
   * owns is denied, as AWS refuses a key it does not know.
   */
  async authorize(
    accessKeyId: string | undefined,
    action: string,
    resources: readonly string[],
  ): Promise<IamDenial | undefined> {
    if (!this.enforcing || accessKeyId === ADMIN_ACCESS_KEY_ID) return undefined;
    const identity = accessKeyId === undefined ? undefined : this.#identities.get(accessKeyId);
    if (!identity) {
      return {
        message: `The security token included in the request is invalid: access key ${accessKeyId ?? '(none)'} belongs to no function of the local stack`,
      };
    }
    const role = (await identity.stack).find((r) => r.service === identity.service);
    const principal = `arn:aws:sts::${this.accountId}:assumed-role/${role?.roleLogicalId ?? identity.service}/${identity.service}`;
    for (const resource of resources) {
      const allowed = role ? await this.#evaluate(role, action, resource) : false;
      this.#decisions.push({ service: identity.service, action, resource, allowed });
      if (!allowed) {
        return {
          message: `User: ${principal} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`,
        };
      }
    }
    return undefined;
  }

  /** A function role's ARN, as SimulatePrincipalPolicy's PolicySourceArn names it. */
  roleArn(role: FunctionRole): string {
    return `arn:aws:iam::${this.accountId}:role/${role.roleLogicalId}`;
  }

  /**
   * What IAM's SimulatePrincipalPolicy answers for a function role of the stacks added: each
   * action on each resource, `allowed`, `implicitDeny` or `explicitDeny`
   * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html).
   * Undefined when no role has that ARN (AWS answers NoSuchEntity).
   */
  async simulate(
    roleArn: string,
    actions: readonly string[],
    resources: readonly string[],
  ): Promise<SimulatedDecision[] | undefined> {
    for (const stack of this.#stackRoles) {
      const role = (await stack).find((r) => this.roleArn(r) === roleArn);
      if (!role) continue;
      const results: SimulatedDecision[] = [];
      for (const action of actions) {
        for (const resource of resources) {
          const outcome = await this.#simulate(role, action, resource);
          const decision =
            outcome === 'Allowed'
              ? 'allowed'
              : outcome === 'ExplicitlyDenied'
                ? 'explicitDeny'
                : 'implicitDeny';
          results.push({ action, resource, decision });
        }
      }
      return results;
    }
    return undefined;
  }

  /** Every call evaluated so far. */
  decisions(): readonly IamDecision[] {
    return this.#decisions;
  }

  /** Whether this role's policies allow the call; iam-simulate answers in milliseconds. */
  async #evaluate(role: FunctionRole, action: string, resource: string): Promise<boolean> {
    return (await this.#simulate(role, action, resource)) === 'Allowed';
  }

  async #simulate(role: FunctionRole, action: string, resource: string): Promise<string> {
    const result = await runSimulation(
      {
        request: {
          principal: `arn:aws:iam::${this.accountId}:role/${role.roleLogicalId}`,
          action,
          resource: { resource, accountId: this.accountId },
          contextVariables: {},
        },
        identityPolicies: role.policies.map(({ name, document }) => ({
          name,
          policy: document satisfies PolicyDocument,
        })),
        serviceControlPolicies: [],
        resourceControlPolicies: [],
      },
      {},
    );
    if (result.resultType === 'error') {
      // A malformed policy or a resource the action does not take: a bug to fix, not a denial.
      throw new Error(
        `local IAM could not evaluate ${action} on ${resource} for ${role.service}: ${JSON.stringify(result.errors)}`,
      );
    }
    return result.overallResult;
  }
}

/** Every Allow grant of these roles: an action of a statement on one of its resources. */
export function grantsOf(roles: readonly FunctionRole[]): IamGrant[] {
  const grants: IamGrant[] = [];
  for (const role of roles) {
    for (const { document } of role.policies) {
      for (const statement of document.Statement) {
        if (statement.Effect !== 'Allow') continue;
        for (const action of asArray(statement.Action as string | string[])) {
          for (const resource of asArray(statement.Resource as string | string[])) {
            grants.push({ service: role.service, action, resource });
          }
        }
      }
    }
  }
  return grants;
}

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/** The stack `cdk synth -c local=true` makes for these settings and instances, named locally. */
export function localStackRoles(input: {
  /** Instance IDs the stack serves and sweeps. */
  instanceIds: readonly string[];
  names: LocalNames;
}): Promise<readonly FunctionRole[]> {
  const { region, accountId } = input.names;
  const arns = input.instanceIds.map(
    (id) => `arn:aws:connect:${region}:${accountId}:instance/${id}`,
  );
  return functionRoles(localStackContext(arns), input.names);
}
