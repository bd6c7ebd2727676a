import { z } from 'zod';
import type { LocalConnect } from './api.js';
import { AFTER_FAILED_DIAL, DIAL_RESULTS } from './callbacks.js';
import { type On, type Params, parse } from './control-input.js';
import { CHANNELS, INITIATION_METHODS } from './types.js';

const schemas = {
  queueCallback: z.strictObject({
    queueId: z.string().min(1),
    customerPhoneNumber: z.string().min(1),
    id: z.string().optional(),
    customerFirst: z.boolean().optional(),
  }),
  startContact: z.strictObject({
    channel: z.enum(CHANNELS),
    initiationMethod: z.enum(INITIATION_METHODS),
    queueId: z.string().optional(),
    id: z.string().optional(),
    customerPhoneNumber: z.string().optional(),
  }),
  connectToAgent: z.strictObject({ userId: z.string().min(1) }),
  offer: z.strictObject({ agentId: z.string().min(1) }),
  accept: z.strictObject({ agentId: z.string().min(1).optional() }),
  dialResult: z
    // biome-ignore lint/suspicious/noThenProperty: `then` is the documented body member; the parsed object is never awaited.
    .strictObject({ result: z.enum(DIAL_RESULTS), then: z.enum(AFTER_FAILED_DIAL).optional() })
    .refine((input) => input.result !== 'answered' || input.then === undefined, {
      path: ['then'],
      message: 'then applies only to a dial that was not answered',
    }),
  settings: z.strictObject({
    searchShowsQueuedCallbacks: z.boolean().optional(),
    estimatedWaitSecondsPerPosition: z.number().min(0).optional(),
  }),
};

const CONTACT = '/_local/instances/{instanceId}/contacts/{contactId}';

/** Control routes that drive contacts through their lifecycle, show their history, and set behaviour switches. */
export function registerContactRoutes(on: On, connect: LocalConnect): void {
  const ids = (p: Params) => [p.instanceId as string, p.contactId as string] as const;
  on('POST', '/_local/instances/{instanceId}/actions/queue-callback', (p, body) =>
    connect.actions.queueCallback(p.instanceId as string, parse(schemas.queueCallback, body)),
  );
  on('POST', '/_local/instances/{instanceId}/actions/start-contact', (p, body) =>
    connect.actions.startContact(p.instanceId as string, parse(schemas.startContact, body)),
  );
  on('POST', `${CONTACT}/connect-to-agent`, (p, body) =>
    connect.actions.connectToAgent(...ids(p), parse(schemas.connectToAgent, body).userId),
  );
  on('POST', `${CONTACT}/disconnect`, (p) => connect.actions.disconnect(...ids(p)));
  on('POST', `${CONTACT}/offer`, (p, body) =>
    connect.actions.offer(...ids(p), parse(schemas.offer, body).agentId),
  );
  on('POST', `${CONTACT}/accept`, (p, body) =>
    connect.actions.accept(...ids(p), parse(schemas.accept, body ?? {}).agentId),
  );
  on('POST', `${CONTACT}/dial-result`, (p, body) => {
    const input = parse(schemas.dialResult, body);
    return connect.actions.dialResult(...ids(p), input.result, input.then);
  });
  on('POST', `${CONTACT}/requeue`, (p) => connect.actions.requeue(...ids(p)));
  on('POST', `${CONTACT}/dial`, (p) => connect.actions.dial(...ids(p)));
  on('GET', `${CONTACT}/history`, (p) => connect.history(...ids(p)));

  on('GET', '/_local/settings', () => connect.settings.get());
  on('PUT', '/_local/settings', (_, body) => {
    const change = parse(schemas.settings, body);
    return connect.settings.set(
      Object.fromEntries(Object.entries(change).filter(([, v]) => v !== undefined)),
    );
  });
}
