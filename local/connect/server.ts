import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectApiError, internalService, throttling } from './errors.js';
import type { FaultTable } from './faults.js';
import { OPERATION_HANDLERS, type OperationContext } from './operations/index.js';
import {
  checkSignature,
  parseJsonObject,
  readBody,
  sendAuthenticationError,
  sendConnectError,
  sendJson,
} from './protocol.js';
import type { QuotaTable } from './quotas.js';
import type { RequestLog } from './request-log.js';
import {
  IMPLEMENTED_ROUTES,
  matchImplementedOperation,
  recogniseConnectOperation,
} from './routes.js';
import type { OperationName } from './types.js';

export const CONTROL_PREFIX = '/_local';

export interface ConnectApiDependencies {
  context: OperationContext;
  quotas: QuotaTable;
  faults: FaultTable;
  requestLog: RequestLog;
  /** Answers requests under CONTROL_PREFIX. */
  control: (
    request: IncomingMessage,
    response: ServerResponse,
    pathname: string,
    query: URLSearchParams,
  ) => Promise<void>;
}

/** The node:http listener: the control API under `/_local`, Connect's rest-json API everywhere else. */
export function createRequestListener(deps: ConnectApiDependencies) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const rawUrl = request.url ?? '/';
    const queryAt = rawUrl.indexOf('?');
    const pathname = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
    const query = new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
    const handled =
      pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)
        ? deps.control(request, response, pathname, query)
        : answerConnectRequest(deps, request, response, pathname, query);
    handled.catch((error: unknown) => {
      // Last resort: never leave a request hanging.
      if (!response.headersSent) {
        sendConnectError(
          response,
          internalService(`local Amazon Connect failed: ${describeError(error)}`),
        );
      } else {
        response.destroy();
      }
    });
  };
}

async function answerConnectRequest(
  deps: ConnectApiDependencies,
  request: IncomingMessage,
  response: ServerResponse,
  pathname: string,
  query: URLSearchParams,
): Promise<void> {
  const method = request.method ?? 'GET';
  const authError = checkSignature(request, query);
  if (authError) {
    sendAuthenticationError(response, authError);
    log(deps, 'Unknown', method, pathname, authError.statusCode, authError.errorType);
    return;
  }
  const route = matchImplementedOperation(method, pathname);
  if (!route) {
    const error = unknownOperation(method, pathname);
    sendConnectError(response, error);
    log(deps, 'Unknown', method, pathname, error.statusCode, error.errorType);
    return;
  }
  const operation = route.name;
  try {
    const body = await runOperation(deps, operation, request, route.params, query);
    sendJson(response, 200, body);
    log(deps, operation, method, pathname, 200);
  } catch (error) {
    const apiError =
      error instanceof ConnectApiError
        ? error
        : internalService(`local Amazon Connect failed in ${operation}: ${describeError(error)}`);
    sendConnectError(response, apiError);
    log(deps, operation, method, pathname, apiError.statusCode, apiError.errorType);
  }
}

async function runOperation(
  deps: ConnectApiDependencies,
  operation: OperationName,
  request: IncomingMessage,
  params: Record<string, string>,
  query: URLSearchParams,
): Promise<unknown> {
  // Connect throttles before it looks at the request, so even an invalid request spends a token.
  if (!deps.quotas.tryAcquire(operation)) throw throttling();
  const fault = deps.faults.decide(operation);
  if (fault.latencyMs > 0) await sleep(fault.latencyMs);
  if (fault.failure === 'error') throw internalService(`Injected fault: ${operation} failed.`);
  if (fault.failure === 'throttle') throw throttling();
  const text = request.method === 'GET' || request.method === 'HEAD' ? '' : await readBody(request);
  return OPERATION_HANDLERS[operation](deps.context, {
    params,
    query,
    body: parseJsonObject(text),
  });
}

function unknownOperation(method: string, pathname: string): ConnectApiError {
  const known = recogniseConnectOperation(method, pathname);
  const implemented = IMPLEMENTED_ROUTES.map(([name]) => name).join(', ');
  const what = known
    ? `operation ${known.name} (${method} ${known.template})`
    : `${method} ${pathname}, which is no Amazon Connect operation`;
  return new ConnectApiError(
    'UnknownOperationException',
    `local Amazon Connect does not implement ${what}. Implemented: ${implemented}.`,
  );
}

function log(
  deps: ConnectApiDependencies,
  operation: OperationName | 'Unknown',
  method: string,
  path: string,
  status: number,
  errorType?: string,
): void {
  deps.requestLog.add({
    operation,
    method,
    path,
    status,
    ...(errorType === undefined ? {} : { errorType }),
    at: Date.now(),
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
