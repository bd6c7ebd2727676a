import { namingPort } from '../common/command-line.js';
import type { Env } from '../lambdas/core/settings/environment.js';
import type { SweeperConfig } from '../lambdas/core/sweeper/config.js';
import type { CallbackEndpoints } from '../lambdas/core/sweeper/deps.js';
import { type RunningConsole, startConsole } from '../operator/console/server.js';
import { createOperatorApi } from '../operator/core/operator.js';
import { operatorEnvironment, readConfigs } from '../operator/core/target.js';
import type { LocalConnect } from './connect/index.js';

export interface LocalConsoleInput {
  connect: LocalConnect;
  dynamoDbEndpoint: string;
  /** The local sweeper's: its instances and table. */
  sweeperConfig: SweeperConfig;
  /** The functions' settings, as the runner read them. */
  environment: Env;
  clientConfig: CallbackEndpoints['clientConfig'];
  /** 0 picks a free one. */
  port: number;
}

/**
 * The operator console over this system: what `end-contact console --local` would show, but
 * in-process, through the same operator core, on the local Connect's own clock.
 */
export async function startLocalConsole(input: LocalConsoleInput): Promise<RunningConsole> {
  const { connect, sweeperConfig } = input;
  const ids = {
    instanceIds: sweeperConfig.settings.instanceIds,
    tableName: sweeperConfig.values.callbackTableName,
  };
  const api = createOperatorApi({
    target: { kind: 'local', label: 'local (npm start)', region: connect.region, ...ids },
    ...readConfigs(operatorEnvironment(input.environment), ids),
    endpoints: {
      connectEndpoint: connect.endpoint,
      dynamoDbEndpoint: input.dynamoDbEndpoint,
      clientConfig: input.clientConfig,
    },
    now: () => connect.clock.now(),
    requestedBy: 'local operator',
  });
  try {
    const running = await namingPort('--console-port', input.port, () =>
      startConsole(api, { port: input.port }),
    );
    return {
      url: running.url,
      close: async () => {
        await running.close();
        await api.close();
      },
    };
  } catch (error) {
    await api.close();
    throw error;
  }
}
