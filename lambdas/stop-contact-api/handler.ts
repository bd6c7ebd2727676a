import { createEndContactDeps, readEndContactConfig } from '../core/end-contact/config.js';
import { createHttpHandler } from './stop-contact-api.js';

// Production wiring only: the settings of this function's environment, the real Connect client.
const config = readEndContactConfig(process.env, 'stop-contact-api');

export const handler = createHttpHandler({
  deps: createEndContactDeps(config),
  deadlineMs: config.deadlineMs,
});
