import { createSweepDeps } from '../core/callbacks/deps.js';
import { readSweeperConfig } from '../core/callbacks/sweeper-config.js';
import { createMetrics } from '../core/observability.js';
import { createSweeperHandler } from './callback-sweeper.js';

// Production wiring only: the settings of this function's environment, the real clients.
const config = readSweeperConfig();

export const handler = createSweeperHandler({
  config,
  deps: createSweepDeps(config),
  metrics: createMetrics('callback-sweeper'),
});
