import { createRegistry } from '../core/callbacks/deps.js';
import { readRequiredEnv } from '../core/config.js';
import { createTrackerHandler } from './callback-tracker.js';

// Production wiring only: the registry table of this function's environment.
export const handler = createTrackerHandler(createRegistry(readRequiredEnv('callbackTableName')));
