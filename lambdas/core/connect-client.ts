import { ConnectClient } from '@aws-sdk/client-connect';

/** Bounds on one Connect call. Attempts × (connect + request timeout) + backoff is the worst case. */
export interface ConnectClientOptions {
  /** Attempts per call, including the first; retries back off on throttles and 5xx. */
  maxAttempts: number;
  /** Socket connect timeout per attempt. */
  connectionTimeoutMs: number;
  /** Time allowed for a response per attempt; it throws (the SDK only warns by default). */
  requestTimeoutMs: number;
}

/** A flow invocation must finish well inside Connect's 8 s limit; a deadline caps the total too. */
export const flowClientOptions: ConnectClientOptions = {
  maxAttempts: 3,
  connectionTimeoutMs: 500,
  requestTimeoutMs: 1_500,
};

/**
 * One client per container. The endpoint comes from the SDK's own resolution, so
 * AWS_ENDPOINT_URL_CONNECT (or AWS_ENDPOINT_URL) points it at the local Amazon Connect.
 */
export function createConnectClient(options: ConnectClientOptions): ConnectClient {
  return new ConnectClient({
    maxAttempts: options.maxAttempts,
    retryMode: 'standard',
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      throwOnRequestTimeout: true,
    },
  });
}

/** Per-call options shared by every core operation. */
export interface CallOptions {
  /** Aborts in-flight calls when the door's deadline passes. */
  abortSignal?: AbortSignal;
}
