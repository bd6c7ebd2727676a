import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EventWithJsonBody } from '../lambdas/core/middleware/json-body.js';

/** An HTTP API (payload 2.0) event for a request, as API Gateway builds it. */
export function toHttpApiEvent(
  req: IncomingMessage,
  body: string,
  routeKey: string,
): EventWithJsonBody {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const now = new Date();
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers[name] = value;
    else if (Array.isArray(value)) headers[name] = value.join(',');
  }
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      authorizer: {
        iam: {
          accessKey: 'LOCAL',
          accountId: '123456789012',
          callerId: 'local',
          cognitoIdentity: null,
          principalOrgId: null,
          userArn: 'arn:aws:iam::123456789012:user/local',
          userId: 'local',
        },
      },
      domainName: url.host,
      domainPrefix: 'local',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    body,
    isBase64Encoded: false,
  } as unknown as EventWithJsonBody;
}
