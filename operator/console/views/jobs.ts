import { decisionDetail, describeDecision } from '../decisions.js';
import { html } from '../html.js';
import type { Job } from '../jobs.js';
import { allowOnly } from '../params.js';
import { type ConsoleContext, pageReply, problemPage, type Reply, type View } from '../reply.js';

/** What the job page's script reads: display strings only, so the script holds no logic. */
export function jobStatus(job: Job) {
  return {
    status: job.status,
    done: job.done,
    total: job.total ?? null,
    progress: progressText(job),
    results: job.decisions.map((decision) => ({
      contactId: decision.contactId,
      queueId: decision.queueId ?? '—',
      result: describeDecision(decision),
      detail: decisionDetail(decision),
    })),
  };
}

function progressText(job: Job): string {
  const of = job.total === undefined ? '' : ` of ${job.total}`;
  if (job.status === 'running') return `Running: ${job.done}${of} examined.`;
  if (job.status === 'failed') {
    return `Failed after ${job.done}${of}: ${job.error ?? 'unknown error'}.`;
  }
  const count = (kinds: string[]) => job.decisions.filter((d) => kinds.includes(d.decision)).length;
  const summary = `${count(['ended'])} ended, ${count(['skipped'])} skipped, ${count(['already-gone'])} already gone, ${count(['failed', 'throttled'])} kept for the next run.`;
  const early = job.report?.stoppedEarly ? ` Stopped early (${job.report.stoppedEarly}).` : '';
  return `${job.status === 'stopped' ? 'Stopped' : 'Done'}: ${job.done}${of} examined. ${summary}${early}`;
}

/** A job's ID as Jobs makes them (randomUUID); anything else names no job. */
const jobIdPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function findJob(id: string | undefined, context: ConsoleContext): { job: Job } | { reply: Reply } {
  const valid = id !== undefined && jobIdPattern.test(id);
  const job = valid ? context.jobs.get(id) : undefined;
  if (job) return { job };
  const message = valid
    ? `No end job ${id} is known to this console (it keeps the last 50).`
    : 'That is not the ID of an end job: a job ID is a UUID, as the job pages show it.';
  return { reply: problemPage(404, 'No such job', message, context.api.target.label) };
}

/** `GET /jobs/{id}`: a bulk end's progress and per-contact results; the script keeps it current. */
export const jobView: View = (request, context) => {
  allowOnly(request.query, []);
  const found = findJob(request.params.id, context);
  if ('reply' in found) return found.reply;
  const { job } = found;
  const status = jobStatus(job);
  const rows = status.results.map(
    (row) =>
      html`<tr><th scope="row"><code>${row.contactId}</code></th><td class="id">${row.queueId}</td><td>${row.result}</td><td>${row.detail}</td></tr>`,
  );
  const body = html`<div id="job" data-job="${job.id}" data-status="${job.status}">
<p id="job-progress" role="status" aria-live="polite">${status.progress}</p>
<progress id="job-bar" aria-labelledby="job-progress" max="${status.total ?? 1}" value="${status.done}"></progress>
${job.status === 'running' ? html`<form method="post" action="/jobs/${job.id}/stop" id="job-stop"><button type="submit">Stop after the current contact</button></form>` : ''}
<table>
<caption>Result per contact, as each arrives</caption>
<thead><tr><th scope="col">Contact ID</th><th scope="col">Queue</th><th scope="col">Result</th><th scope="col">Detail</th></tr></thead>
<tbody id="job-results">${rows}</tbody>
</table>
<p><a href="/callbacks">Back to the callbacks</a> · <a href="/audit">Audit trail</a></p>
</div>`;
  return pageReply(context, heading(job), body, {
    view: job.title.startsWith('Sweep') ? '/sweep' : '/callbacks',
  });
};

/**
 * While it runs, what the job is doing ("Ending 2 selected callbacks"); once it has finished, what
 * it did: "Ended 2 of 2 selected callbacks", "Stopped: ended 1 of 3 …".
 */
function heading(job: Job): string {
  if (job.status === 'running') return job.title;
  const ended = job.decisions.filter((d) => d.decision === 'ended').length;
  const of = job.total ?? job.done;
  const what = job.title
    .replace(/^Ending (\d+ )?/, '')
    .replace(/^Sweep in mode end$/, 'callbacks the sweep chose');
  if (job.status === 'failed') return `Failed after ending ${ended} of ${of} ${what}`;
  return `${job.status === 'stopped' ? 'Stopped: ended' : 'Ended'} ${ended} of ${of} ${what}`;
}

/** `GET /jobs/{id}/status`: the job as JSON, for the page's script. */
export const jobStatusView: View = (request, context) => {
  const found = findJob(request.params.id, context);
  if ('reply' in found) return found.reply;
  return { status: 200, json: jobStatus(found.job) };
};

/** `POST /jobs/{id}/stop`: no new contact is started; the one in flight finishes. */
export const stopJobView: View = (request, context) => {
  // Only a job this console knows: its ID, never the request's text, goes in the Location.
  const found = findJob(request.params.id, context);
  if ('reply' in found) return found.reply;
  context.jobs.stop(found.job.id);
  return { status: 303, location: `/jobs/${found.job.id}` };
};
