import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { accessKeyIdOf } from '../connect/protocol.js';
import type { LocalIam } from './local-iam.js';

/**
 * DynamoDB with IAM in front: a proxy on 127.0.0.1 that evaluates each call against the caller's
 * role before it reaches the DynamoDB implementation behind it (dynalite), and answers a denial as
 * DynamoDB does: HTTP 400, `__type` `…#AccessDeniedException`. Each DynamoDB API is its own IAM
 * action on the table or index it names (Service Authorization Reference, Amazon DynamoDB:
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazondynamodb.html).
 */
export interface DynamoDbGuard {
  readonly endpoint: string;
  close(): Promise<void>;
}

export async function startDynamoDbGuard(input: {
  /** The DynamoDB behind the guard, e.g. dynalite's http://127.0.0.1:PORT */
  target: string;
  iam: LocalIam;
  region: string;
}): Promise<DynamoDbGuard> {
  const target = new URL(input.target);
  const server: Server = createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const operation = String(req.headers['x-amz-target'] ?? '').split('.')[1] ?? '';
      const resources = tableResources(operation, body, input.region, input.iam.accountId);
      const denial = await input.iam.authorize(
        accessKeyIdOf(req),
        `dynamodb:${operation}`,
        resources,
      );
      if (denial) {
        const payload = JSON.stringify({
          __type: 'com.amazon.coral.service#AccessDeniedException',
          Message: denial.message,
        });
        res.writeHead(400, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': Buffer.byteLength(payload),
        });
        res.end(payload);
        return;
      }
      const forwarded = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: req.headers,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 500, answer.headers);
          answer.pipe(res);
        },
      );
      forwarded.on('error', () => res.destroy());
      forwarded.end(body);
    })().catch((error: unknown) => {
      // Never leave a request hanging, never take the process down.
      if (!res.headersSent) {
        const payload = JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: error instanceof Error ? error.message : String(error),
        });
        res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(payload);
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The table (or index) ARNs a DynamoDB call acts on, as IAM authorizes it. */
function tableResources(
  operation: string,
  body: Buffer,
  region: string,
  accountId: string,
): string[] {
  const arn = (table: string, index?: string) =>
    `arn:aws:dynamodb:${region}:${accountId}:table/${table}${index ? `/index/${index}` : ''}`;
  let input: Record<string, unknown>;
  try {
    input = JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return [arn('*')];
  }
  if (operation === 'ListTables') return ['*'];
  if (typeof input.TableName === 'string') {
    // Query and Scan of an index are authorized on the index's ARN.
    const index = typeof input.IndexName === 'string' ? input.IndexName : undefined;
    return [arn(input.TableName, index)];
  }
  if (input.RequestItems && typeof input.RequestItems === 'object') {
    return Object.keys(input.RequestItems).map((table) => arn(table));
  }
  if (Array.isArray(input.TransactItems)) {
    return input.TransactItems.flatMap((item: Record<string, { TableName?: string }>) =>
      Object.values(item).map((part) => arn(part.TableName ?? '*')),
    );
  }
  return [arn('*')];
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
