import { ConnectClient, type ConnectClientConfig } from '@aws-sdk/client-connect';
import { trackAttempts } from './attempts.js';

/** Bounds on one Connect call. Attempts × (connect + request timeout) + backoff is the worst case. */
export interface ConnectClientOptions {
  /** Attempts per call, including the first; retries back off on throttles and 5xx. */
  maxAttempts: number;
  /** Socket connect timeout per attempt. */
  connectionTimeoutMs: number;
  /** Time allowed for a response per attempt; it throws (the SDK only warns by default). */
  requestTimeoutMs: number;
}

/**
 * One client per container. The endpoint comes from the SDK's own resolution, so
 * AWS_ENDPOINT_URL_CONNECT (or AWS_ENDPOINT_URL) points it at the local Amazon Connect.
 */
export function createConnectClient(
  options: ConnectClientOptions,
  /** Explicit endpoint, region or credentials, for the local runner and tests. */
  overrides: ConnectClientConfig = {},
): ConnectClient {
  const client = new ConnectClient({
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
    // A client that shares another's connections and credentials passes them here.
    ...overrides,
  });
  // Lets stopContact tell a retry's "not found" after its own earlier attempt from a real one.
  trackAttempts(client);
  return client;
}

/** Per-call options shared by every core operation. */
export interface CallOptions {
  /** Aborts in-flight calls when the door's deadline passes. */
  abortSignal?: AbortSignal;
}
