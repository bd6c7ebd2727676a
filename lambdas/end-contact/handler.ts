import { createEndContactDeps, readEndContactConfig } from '../core/end-contact/config.js';
import { createFlowHandler } from './end-contact.js';

// Production wiring only: the settings of this function's environment, the real Connect client.
const config = readEndContactConfig(process.env, 'end-contact');

export const handler = createFlowHandler({
  deps: createEndContactDeps(config),
  deadlineMs: config.deadlineMs,
});
