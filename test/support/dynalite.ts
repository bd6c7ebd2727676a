import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CallbackRegistry } from '../../lambdas/core/registry/registry.js';
import { callbackTableCreateInput } from '../../lambdas/core/registry/table.js';
import { startDynalite as startDynaliteServer } from '../../local/dynalite.js';

export interface LocalDynamo {
  endpoint: string;
  tableName: string;
  /** A document client that records the name of every command it sends. */
  documentClient: DynamoDBDocumentClient;
  registry: CallbackRegistry;
  /** Names of the DynamoDB commands sent through `documentClient`, e.g. `QueryCommand`. */
  commandsSent(): string[];
  /** Creates another table from the registry's definition and returns a registry on it. */
  freshRegistry(tableName: string): Promise<CallbackRegistry>;
  close(): Promise<void>;
}

/**
 * Starts dynalite in this process on 127.0.0.1 and an ephemeral port, and creates the callback
 * table from the same definition the code and the CDK construct use.
 */
export async function startDynalite(options: { tableName?: string } = {}): Promise<LocalDynamo> {
  const tableName = options.tableName ?? 'callbacks';
  const server = await startDynaliteServer();
  const { endpoint } = server;
  const client = new DynamoDBClient({ endpoint });
  const commands: string[] = [];
  client.middlewareStack.add(
    (next, context) => (args) => {
      commands.push(context.commandName ?? 'unknown');
      return next(args);
    },
    { step: 'initialize', name: 'recordCommands' },
  );
  const documentClient = DynamoDBDocumentClient.from(client);
  const createTable = async (name: string) => {
    await client.send(new CreateTableCommand(callbackTableCreateInput(name)));
    return new CallbackRegistry(documentClient, name);
  };
  const registry = await createTable(tableName);
  commands.length = 0;
  return {
    endpoint,
    tableName,
    documentClient,
    registry,
    commandsSent: () => [...commands],
    freshRegistry: createTable,
    async close() {
      client.destroy();
      await server.close();
    },
  };
}
