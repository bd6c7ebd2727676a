import { readRequiredEnv } from '../core/settings/environment.js';
import { createRegistry } from '../core/sweeper/deps.js';
import { createTrackerHandler } from './callback-tracker.js';

// Production wiring only: the registry table of this function's environment.
export const handler = createTrackerHandler(createRegistry(readRequiredEnv('callbackTableName')));
