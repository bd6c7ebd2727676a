import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { PayloadTooLargeError, readBody } from '../../common/http/body.js';
import { splitUrl } from '../../common/http/router.js';
import { ConnectApiError, internalService, invalidRequest, throttling } from './errors.js';
import type { FaultDecision, FaultTable } from './faults.js';
import { IAM_RESOURCES } from './iam-resources.js';
import { OPERATION_HANDLERS, type OperationContext } from './operations/index.js';
import {
  accessKeyIdOf,
  checkSignature,
  parseJsonObject,
  sendAuthenticationError,
  sendConnectError,
  sendConnectJson,
} from './protocol.js';
import type { QuotaTable } from './quotas.js';
import type { RequestLog } from './request-log.js';
import { type ConnectRoutes, connectRoutes } from './routes.js';
import { preciseNow, type Sequence } from './sequence.js';
import { OPERATION_NAMES, type RequestLogEntry } from './types.js';

export const CONTROL_PREFIX = '/_local';

export interface ConnectApiDependencies {
  context: OperationContext;
  quotas: QuotaTable;
  faults: FaultTable;
  requestLog: RequestLog;
  sequence: Sequence;
  /** Answers requests under CONTROL_PREFIX. */
  control: (request: IncomingMessage, response: ServerResponse) => Promise<void>;
  /** IAM in front of the API (LocalConnectOptions.authorize). */
  authorize?: ConnectAuthorizer | undefined;
  region: string;
  accountId: string;
}

/** Decides whether the caller may make this call; a denial carries AWS's message. */
export type ConnectAuthorizer = (call: {
  accessKeyId: string | undefined;
  action: string;
  resources: string[];
}) => Promise<{ message: string } | undefined>;

/** The node:http listener: the control API under `/_local`, Connect's rest-json API everywhere else. */
export function createRequestListener(deps: ConnectApiDependencies) {
  return (request: IncomingMessage, response: ServerResponse): void => {
    const { pathname, query } = splitUrl(request.url);
    const handled =
      pathname === CONTROL_PREFIX || pathname.startsWith(`${CONTROL_PREFIX}/`)
        ? deps.control(request, response)
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
  const receivedAt = preciseNow();
  const method = request.method ?? 'GET';
  const logged = { method, path: pathname, receivedAt };
  const authError = checkSignature(request, query);
  if (authError) {
    sendAuthenticationError(response, authError);
    log(deps, {
      ...logged,
      operation: 'Unknown',
      status: authError.statusCode,
      errorType: authError.errorType,
    });
    return;
  }
  const routes = await connectRoutes();
  const route = routes.matchImplemented(method, pathname);
  if (!route) {
    const error = unknownOperation(routes, method, pathname);
    sendConnectError(response, error);
    log(deps, {
      ...logged,
      operation: 'Unknown',
      status: error.statusCode,
      errorType: error.errorType,
    });
    return;
  }
  const operation = route.name;
  let contactId: string | undefined;
  let fault: FaultDecision = { latencyMs: 0 };
  let body: unknown;
  try {
    const text = method === 'GET' || method === 'HEAD' ? '' : await readConnectBody(request);
    contactId = contactIdOf(route.params, text);
    // Connect throttles before it looks at the request, so even an invalid request spends a token.
    if (!deps.quotas.tryAcquire(operation)) throw throttling();
    // IAM decides before Connect looks at the request. The quota is taken first, on arrival, so
    // the time an evaluation takes never moves a call's place in the token bucket.
    if (deps.authorize) {
      const denial = await deps.authorize({
        accessKeyId: accessKeyIdOf(request),
        action: `connect:${operation}`,
        resources: IAM_RESOURCES[operation]({
          params: route.params,
          body: lenientObject(text),
          region: deps.region,
          accountId: deps.accountId,
        }),
      });
      if (denial) throw new ConnectApiError('AccessDeniedException', denial.message);
    }
    fault = deps.faults.decide(operation);
    if (fault.latencyMs > 0) await sleep(fault.latencyMs);
    if (fault.failure === 'error') throw internalService(`Injected fault: ${operation} failed.`);
    if (fault.failure === 'throttle') throw throttling();
    body = OPERATION_HANDLERS[operation](deps.context, {
      params: route.params,
      query,
      body: parseJsonObject(text),
    });
  } catch (error) {
    const apiError =
      error instanceof ConnectApiError
        ? error
        : internalService(`local Amazon Connect failed in ${operation}: ${describeError(error)}`);
    if (fault.dropAfterApply) return drop(deps, response, { ...logged, operation, contactId });
    sendConnectError(response, apiError);
    log(deps, {
      ...logged,
      operation,
      contactId,
      status: apiError.statusCode,
      errorType: apiError.errorType,
    });
    return;
  }
  // Applied, then the connection breaks: the caller cannot know whether it took effect.
  if (fault.dropAfterApply) return drop(deps, response, { ...logged, operation, contactId });
  sendConnectJson(response, 200, body);
  log(deps, { ...logged, operation, contactId, status: 200 });
}

/** Connect's wire answer to an oversized body stays a 400 InvalidRequestException. */
async function readConnectBody(request: IncomingMessage): Promise<string> {
  try {
    return await readBody(request);
  } catch (error) {
    throw error instanceof PayloadTooLargeError ? invalidRequest(error.message) : error;
  }
}

function drop(
  deps: ConnectApiDependencies,
  response: ServerResponse,
  entry: Omit<LogInput, 'status'>,
): void {
  response.socket?.destroy();
  response.destroy();
  log(deps, { ...entry, status: 0, dropped: true });
}

/** A request body as an object for naming its resources; a bad body is the handler's to refuse. */
function lenientObject(text: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The contact a contact operation names, read leniently: a bad body is the handler's to refuse. */
function contactIdOf(params: Record<string, string>, text: string): string | undefined {
  if (params.ContactId !== undefined) return params.ContactId;
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>;
    const id = parsed?.ContactId ?? parsed?.InitialContactId;
    return typeof id === 'string' ? id : undefined;
  } catch {
    return undefined;
  }
}

function unknownOperation(
  routes: ConnectRoutes,
  method: string,
  pathname: string,
): ConnectApiError {
  const known = routes.recognise(method, pathname);
  const implemented = OPERATION_NAMES.join(', ');
  const what = known
    ? `operation ${known.name} (${method} ${known.template})`
    : `${method} ${pathname}, which is no Amazon Connect operation`;
  return new ConnectApiError(
    'UnknownOperationException',
    `local Amazon Connect does not implement ${what}. Implemented: ${implemented}.`,
  );
}

type LogInput = Omit<RequestLogEntry, 'seq' | 'at' | 'contactId' | 'errorType'> & {
  contactId?: string | undefined;
  errorType?: string | undefined;
};

/** Numbers the entry on the shared sequence as it is answered, so it orders against contact histories. */
function log(deps: ConnectApiDependencies, input: LogInput): void {
  const { contactId, errorType, ...rest } = input;
  deps.requestLog.add({
    seq: deps.sequence.next(),
    ...rest,
    ...(contactId === undefined ? {} : { contactId }),
    ...(errorType === undefined ? {} : { errorType }),
    at: preciseNow(),
  });
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
