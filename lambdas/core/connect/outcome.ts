/**
 * The one result type of ending a contact. Every door (flow, HTTP, sweeper) maps it to its own
 * output in one small function.
 */
export type Outcome =
  | { kind: 'stopped' }
  | Failure<'invalid-contact-id'>
  | Failure<'contact-not-active'>
  | (Failure<'not-stoppable'> & { reason?: string })
  | Failure<'unauthorized'>
  | Failure<'invalid-security-user'>
  | Failure<'throttled'>
  | Failure<'failed'>;

export interface Failure<K extends string> {
  kind: K;
  /** Connect's exception name, or ValidationException/TimeoutError for failures raised here. */
  code: string;
  message: string;
  /**
   * StopContact only: the request may have reached Connect and been applied (a 5xx, a response
   * time-out, a connection dropped after sending): only a look afterwards tells whether it ended.
   */
  mayHaveApplied?: true;
}

export type OutcomeKind = Outcome['kind'];
export type FailureOutcome = Exclude<Outcome, { kind: 'stopped' }>;
