import { createMetrics } from '../core/observability.js';
import { readSweeperConfig } from '../core/sweeper/config.js';
import { createSweepDeps } from '../core/sweeper/deps.js';
import { createSweeperHandler } from './callback-sweeper.js';

// Production wiring only: the settings of this function's environment, the real clients.
const config = readSweeperConfig();

export const handler = createSweeperHandler({
  config,
  deps: createSweepDeps(config),
  metrics: createMetrics('callback-sweeper'),
});
