import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { parseDurationMs } from '../../lambdas/core/duration.js';
import { ScenarioValidationError } from './errors.js';
import { CHANNELS, INITIATION_METHODS } from './types.js';

const id = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[^/]+$/, 'must not contain /');
const duration = z
  .string()
  .refine(
    (text) => parseDurationMs(text) !== undefined,
    'must be a duration like 90s, 15m, 26h or 3d',
  );
/** An absolute time: ISO-8601 text or epoch milliseconds. */
const instant = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
const stringMap = z.record(z.string(), z.string());

export const TIMESTAMPS = [
  'initiated',
  'enqueued',
  'ringStart',
  'acceptedByAgent',
  'connectedToSystem',
  'connectedToAgent',
  'disconnected',
] as const;

export const scenarioContactSchema = z
  .strictObject({
    id: id(256).optional(),
    /** A note for humans (printed by connect-local); not part of Connect's model. */
    label: z.string().max(200).optional(),
    channel: z.enum(CHANNELS),
    initiationMethod: z.enum(INITIATION_METHODS),
    initialContactId: id(256).optional(),
    previousContactId: id(256).optional(),
    relatedContactId: id(256).optional(),
    queueId: id(256).optional(),
    agentId: id(256).optional(),
    customerPhoneNumber: z
      .string()
      .regex(/^\+[1-9]\d{1,14}$/, 'must be an E.164 number like +15550100')
      .optional(),
    attributes: stringMap.optional(),
    tags: stringMap.optional(),
    disconnectReason: z.string().min(1).optional(),
    initiatedAt: instant.optional(),
    initiatedAgo: duration.optional(),
    enqueuedAt: instant.optional(),
    enqueuedAgo: duration.optional(),
    ringStartAt: instant.optional(),
    ringStartAgo: duration.optional(),
    acceptedByAgentAt: instant.optional(),
    acceptedByAgentAgo: duration.optional(),
    connectedToSystemAt: instant.optional(),
    connectedToSystemAgo: duration.optional(),
    connectedToAgentAt: instant.optional(),
    connectedToAgentAgo: duration.optional(),
    disconnectedAt: instant.optional(),
    disconnectedAgo: duration.optional(),
  })
  .superRefine((contact, ctx) => {
    for (const name of TIMESTAMPS) {
      if (contact[`${name}At`] !== undefined && contact[`${name}Ago`] !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [`${name}Ago`],
          message: `give either ${name}At or ${name}Ago, not both`,
        });
      }
    }
    if (
      (contact.enqueuedAt ?? contact.enqueuedAgo) !== undefined &&
      contact.queueId === undefined
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['queueId'],
        message: 'an enqueued contact needs a queueId',
      });
    }
    for (const name of ['ringStart', 'acceptedByAgent', 'connectedToAgent'] as const) {
      if ((contact[`${name}At`] ?? contact[`${name}Ago`]) !== undefined && !contact.agentId) {
        ctx.addIssue({
          code: 'custom',
          path: ['agentId'],
          message: `a contact with ${name} time needs an agentId`,
        });
      }
    }
  });

const instanceSchema = z
  .strictObject({
    id: id(100).optional(),
    alias: z.string().min(1).max(62).optional(),
    queues: z
      .array(z.strictObject({ id: id(256).optional(), name: z.string().min(1).max(127) }))
      .optional(),
    securityProfiles: z
      .array(
        z.strictObject({
          id: id(256).optional(),
          name: z.string().min(1).max(127),
          permissions: z.array(z.string().min(1).max(128)),
        }),
      )
      .optional(),
    users: z
      .array(
        z.strictObject({
          id: id(256).optional(),
          username: z.string().min(1).max(100),
          securityProfileIds: z.array(id(256)).min(1).max(10),
        }),
      )
      .optional(),
    contacts: z.array(scenarioContactSchema).optional(),
  })
  .superRefine((instance, ctx) => {
    const queueIds = new Set(instance.queues?.map((q) => q.id));
    const profileIds = new Set(instance.securityProfiles?.map((p) => p.id));
    const userIds = new Set(instance.users?.map((u) => u.id));
    instance.users?.forEach((user, u) => {
      user.securityProfileIds.forEach((profileId, p) => {
        if (!profileIds.has(profileId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['users', u, 'securityProfileIds', p],
            message: `security profile ${profileId} is not among this instance's securityProfiles`,
          });
        }
      });
    });
    instance.contacts?.forEach((contact, c) => {
      if (contact.queueId !== undefined && !queueIds.has(contact.queueId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['contacts', c, 'queueId'],
          message: `queue ${contact.queueId} is not among this instance's queues`,
        });
      }
      if (contact.agentId !== undefined && !userIds.has(contact.agentId)) {
        ctx.addIssue({
          code: 'custom',
          path: ['contacts', c, 'agentId'],
          message: `user ${contact.agentId} is not among this instance's users`,
        });
      }
    });
  });

export const scenarioSchema = z.strictObject({
  $schema: z.string().optional(),
  description: z.string().optional(),
  /** Where the clock starts when no clockStart option is given. @default now */
  clockStart: z.iso.datetime({ offset: true }).optional(),
  /** Behaviour switches, as `PUT /_local/settings` takes them. */
  settings: z
    .strictObject({
      searchShowsQueuedCallbacks: z.boolean().optional(),
      estimatedWaitSecondsPerPosition: z.number().min(0).optional(),
    })
    .optional(),
  instances: z.array(instanceSchema).min(1),
});

/** A scenario: instances with their queues, security profiles, users and contacts. See docs/local-connect.md. */
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInstance = z.infer<typeof instanceSchema>;
export type ScenarioContact = z.infer<typeof scenarioContactSchema>;

/** Checks a scenario; the error names each bad field by its path, e.g. `instances[0].contacts[2].channel`. */
export function parseScenario(value: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(value);
  if (result.success) return result.data;
  throw new ScenarioValidationError(
    `${source} is not a valid scenario:\n  ${describeIssues(result.error)}`,
  );
}

/** One line per problem, each starting with the path of the bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('\n  ');
}

/** Reads and validates a scenario JSON file. */
export async function loadScenario(path: string): Promise<Scenario> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ScenarioValidationError(
      `cannot read scenario file ${path}: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ScenarioValidationError(
      `scenario file ${path} is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
  return parseScenario(json, `scenario file ${path}`);
}

function formatPath(path: ReadonlyArray<PropertyKey>): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}
