import { randomUUID } from 'node:crypto';
import type { SweepDecision, SweepReport } from '../../lambdas/core/sweeper/report.js';
import type { EndRunOptions } from '../core/api.js';

export type JobStatus = 'running' | 'done' | 'stopped' | 'failed';

/** A bulk end the console started: its decisions as they arrive, then its report. */
export interface Job {
  readonly id: string;
  readonly title: string;
  status: JobStatus;
  /** How many candidates the run has; known once the first decision arrives. */
  total?: number;
  done: number;
  decisions: SweepDecision[];
  report?: SweepReport;
  error?: string;
}

export type JobRun = (options: Omit<EndRunOptions, 'requestedBy'>) => Promise<SweepReport>;

/** Finished jobs kept for their pages. */
const keptJobs = 50;

/**
 * Bulk ends run one at a time: two at once would each take the sweeper's rate and cap, and
 * together go past them. A job's page polls it (see docs/console.md for why not a stream).
 */
export class Jobs {
  readonly #jobs = new Map<string, Job>();
  #running?: { job: Job; abort: AbortController; finished: Promise<void> };

  get running(): Job | undefined {
    return this.#running?.job;
  }

  get(id: string): Job | undefined {
    return this.#jobs.get(id);
  }

  /**
   * Starts a job, or returns undefined while another one runs. `shows` leaves out decisions the
   * operator did not ask about, e.g. callbacks of other queues in an "all older in queue Y" run.
   */
  start(
    title: string,
    run: JobRun,
    options: { total?: number; shows?: (decision: SweepDecision) => boolean } = {},
  ): Job | undefined {
    const { total, shows = () => true } = options;
    if (this.#running) return undefined;
    const job: Job = { id: randomUUID(), title, status: 'running', done: 0, decisions: [] };
    if (total !== undefined) job.total = total;
    const abort = new AbortController();
    const finished = run({
      stopSignal: abort.signal,
      onDecision: (decision, done, all) => {
        if (shows(decision)) job.decisions.push(decision);
        job.done = done;
        job.total = all;
      },
    }).then(
      (report) => {
        job.report = report;
        // The report lists what the callback missed (a decision made before a listener, say).
        const listed = report.decisions.filter(shows);
        if (listed.length > job.decisions.length) job.decisions = listed;
        job.done = Math.max(job.done, job.decisions.length);
        job.total = Math.max(job.total ?? 0, job.done);
        job.status = abort.signal.aborted ? 'stopped' : 'done';
      },
      (error: unknown) => {
        job.status = 'failed';
        job.error = error instanceof Error ? error.message : String(error);
      },
    );
    this.#running = { job, abort, finished };
    void finished.finally(() => {
      if (this.#running?.job === job) this.#running = undefined;
    });
    this.#jobs.set(job.id, job);
    for (const id of this.#jobs.keys()) {
      if (this.#jobs.size <= keptJobs) break;
      if (this.#jobs.get(id)?.status !== 'running') this.#jobs.delete(id);
    }
    return job;
  }

  /** Asks the running job to start no new candidate; the one in flight finishes. */
  stop(id: string): boolean {
    if (this.#running?.job.id !== id) return false;
    this.#running.abort.abort();
    return true;
  }

  /** Stops the running job, if any, and waits for it. */
  async close(): Promise<void> {
    const running = this.#running;
    if (!running) return;
    running.abort.abort();
    await running.finished;
  }
}
