import type { Clock } from '../clock.js';
import type { ContactLifecycle } from '../contacts.js';
import { invalidParameter, resourceNotFound } from '../errors.js';
import type { ConnectState, InstanceRecord } from '../state.js';
import type { LocalSettings } from '../types.js';

export interface OperationContext {
  state: ConnectState;
  clock: Clock;
  contacts: ContactLifecycle;
  settings: () => LocalSettings;
}

export interface OperationRequest {
  /** URL-decoded path labels. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
}

/** Runs one operation and returns the response body (`{}` for an empty 200). */
export type OperationHandler = (context: OperationContext, request: OperationRequest) => unknown;

export const INSTANCE_ID = { min: 1, max: 100 };
export const RESOURCE_ID = { min: 1, max: 256 };
export const NEXT_TOKEN = { min: 1, max: 2500 };

export function findInstanceOrThrow(
  context: OperationContext,
  instanceIdOrArn: string,
): InstanceRecord {
  const record = context.state.findInstance(instanceIdOrArn);
  if (!record) throw resourceNotFound(`Instance ${instanceIdOrArn} not found.`);
  return record;
}

/** Opaque page tokens: the offset of the next page, bound to the operation that issued it. */
export function encodePageToken(operation: string, offset: number): string {
  return Buffer.from(JSON.stringify({ op: operation, offset })).toString('base64url');
}

export function decodePageToken(operation: string, token: string | undefined): number {
  if (token === undefined) return 0;
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      op?: unknown;
      offset?: unknown;
    };
    if (parsed.op === operation && typeof parsed.offset === 'number' && parsed.offset >= 0) {
      return parsed.offset;
    }
  } catch {
    // Falls through to the error below.
  }
  throw invalidParameter(
    'The NextToken is not valid: pass the NextToken of a previous response unchanged.',
  );
}

/** One page of `items` and the token of the next page, if there is one. */
export function page<T>(
  operation: string,
  items: T[],
  offset: number,
  pageSize: number,
): { items: T[]; nextToken?: string } {
  const end = offset + pageSize;
  const slice = items.slice(offset, end);
  return end < items.length
    ? { items: slice, nextToken: encodePageToken(operation, end) }
    : { items: slice };
}
