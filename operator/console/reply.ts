import type { OperatorApi } from '../core/api.js';
import type { Confirmations } from './confirmations.js';
import { type Html, html, page, refusalPage, type ViewPath } from './html.js';
import type { Jobs } from './jobs.js';

/** What a view answers: a page, JSON for the job page's script, a redirect after a POST, or an asset. */
export type Reply =
  | { status: number; html: string }
  | { status: 200; asset: { type: string; body: Buffer } }
  | { status: number; json: unknown }
  | { status: 303; location: string };

export interface ConsoleRequest {
  method: string;
  pathname: string;
  query: URLSearchParams;
  /** A POST's urlencoded form; empty for a GET. */
  form: URLSearchParams;
  /** Path labels, e.g. a job's id. */
  params: Record<string, string>;
}

export interface ConsoleContext {
  api: OperatorApi;
  jobs: Jobs;
  /** What each confirm page listed, for the End it confirms. */
  confirmations: Confirmations;
  /** Recorded in the audit as whoever asked for an end. */
  requestedBy: string;
}

export type View = (request: ConsoleRequest, context: ConsoleContext) => Promise<Reply> | Reply;

export function pageReply(
  context: ConsoleContext,
  title: string,
  body: Html,
  options: { status?: number; view?: ViewPath } = {},
): Reply {
  return {
    status: options.status ?? 200,
    html: page({ title, view: options.view, target: context.api.target.label, body }),
  };
}

/** A page for a request the console refuses or cannot answer: what went wrong and what to do. */
export function problemPage(status: number, title: string, message: string, target?: string) {
  if (status === 403) {
    return {
      status,
      html: refusalPage(title, html`<p role="alert" class="problem">${message}</p>`),
    };
  }
  return {
    status,
    html: page({
      title,
      target,
      body: html`<p role="alert" class="problem">${message}</p><p><a href="/">Back to the queue overview</a></p>`,
    }),
  };
}
