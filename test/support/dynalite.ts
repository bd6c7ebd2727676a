import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { CallbackRegistry } from '../../lambdas/core/callback-registry.js';
import { callbackTableCreateInput } from '../../lambdas/core/callback-table.js';

// dynalite ships no types; this is the one function it exports.
const dynalite = createRequire(import.meta.url)('dynalite') as (options: {
  createTableMs?: number;
  deleteTableMs?: number;
  updateTableMs?: number;
}) => Server;

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
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
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
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
