import type { SweepReport } from '../../../lambdas/core/sweeper/report.js';
import { decisionDetail, describeDecision } from '../decisions.js';
import { html, named, plural } from '../html.js';
import { readOverrides } from '../overrides.js';
import { allowOnly, required } from '../params.js';
import { pageReply, type View } from '../reply.js';
import { busyPage, expiredPage } from './callbacks.js';

const fields = [
  { name: 'maxQueuedAge', label: 'Max queued age', hint: 'a duration such as 2h; at least 5m' },
  { name: 'maxStops', label: 'Max stops', hint: 'at most this many ended in the run' },
  {
    name: 'queueAllowList',
    label: 'Only these queues',
    hint: 'queue IDs or ARNs, comma-separated',
  },
  {
    name: 'queueDenyList',
    label: 'Never these queues',
    hint: 'queue IDs or ARNs, comma-separated',
  },
] as const;

function summary(report: SweepReport): string {
  const { counts } = report;
  const skipped = Object.values(counts.skipped).reduce((a, b) => a + (b ?? 0), 0);
  return `${plural(counts.candidates, 'candidate')}: ${counts.wouldEnd} would be ended, ${skipped} skipped, ${counts.alreadyGone} already gone, ${counts.failed + counts.throttled} failed. Max queued age ${Math.round(report.maxQueuedAgeSeconds / 60)}m, at most ${plural(report.maxStops, 'stop')} per run.`;
}

/** `GET /sweep`: the sweeper in report mode with the form's overrides, and a confirmed run in mode end. */
export const sweepView: View = async (request, context) => {
  const { overrides, given } = readOverrides(request.query);
  const report = await context.api.preview(overrides);
  const inputs = fields.map(
    (field) =>
      html`<div><label for="sweep-${field.name}">${field.label}</label><input id="sweep-${field.name}" name="${field.name}" value="${given[field.name] ?? ''}" aria-describedby="sweep-${field.name}-hint"><span id="sweep-${field.name}-hint" class="hint">${field.hint}</span></div>`,
  );
  // The run ends these, kept here, and no other: the ones the preview lists, within the cap.
  const { maxQueuedAgeMs: _age, ...narrowing } = overrides;
  const key = context.confirmations.add({
    title: 'Sweep in mode end',
    contactIds: report.decisions
      .filter((decision) => decision.decision === 'would-end')
      .slice(0, report.maxStops)
      .map((decision) => decision.contactId),
    narrowing,
  });
  const hidden = html`<input type="hidden" name="confirmation" value="${key}">`;
  const instanceIds = [...new Set(report.decisions.map((d) => d.instanceId))];
  const names = new Map(
    await Promise.all(instanceIds.map(async (id) => [id, await context.api.names(id)] as const)),
  );
  const rows = report.decisions.map(
    (decision) =>
      html`<tr><th scope="row"><code>${decision.contactId}</code></th><td>${decision.queueId ? named(names.get(decision.instanceId)?.queues.get(decision.queueId), decision.queueId) : '—'}</td><td>${describeDecision(decision)}</td><td>${decisionDetail(decision)}</td></tr>`,
  );
  const body = html`<form method="get" action="/sweep" class="filters" aria-label="Sweep overrides">
${inputs}
<div><button type="submit">Preview</button></div>
</form>
<p id="sweep-summary">Preview (report mode, nothing changed): ${summary(report)}</p>
<div class="table-scroll" role="region" aria-label="Sweep decisions"><table>
<caption>What a run in mode end would do${report.decisionsOmitted > 0 ? ` (the first ${report.decisions.length}, MAX_DECISIONS_IN_REPORT; ${report.decisionsOmitted} more in the counts)` : ''}</caption>
<thead><tr><th scope="col">Contact ID</th><th scope="col">Queue</th><th scope="col">Decision</th><th scope="col">Detail</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="4">No candidates.</td></tr>`}</tbody>
</table></div>
<form method="post" action="/sweep/run">${hidden}
<p><button type="submit" class="danger"${report.counts.wouldEnd === 0 ? html` disabled` : ''}>Confirm: run in mode end</button> <span class="hint">It ends the callbacks listed here as would end (at most ${report.maxStops}), and no other; each is looked at again right before its stop.</span></p>
</form>`;
  return pageReply(context, 'Sweep', body, { view: '/sweep' });
};

/** `POST /sweep/run`: ends, as a job, exactly what the confirmed preview listed as would end. */
export const sweepRunView: View = (request, context) => {
  // Busy first: the confirmation stays usable once the running end is done.
  if (context.jobs.running) return busyPage(context);
  allowOnly(request.form, ['confirmation']);
  const key = required(request.form, 'confirmation', 'confirm on the sweep preview page');
  const confirmation = context.confirmations.take(key);
  if (!confirmation) return expiredPage(context);
  const ids = [...confirmation.contactIds];
  const job = context.jobs.start(
    confirmation.title,
    (options) =>
      context.api.endSelected(
        ids,
        { ...options, requestedBy: context.requestedBy },
        confirmation.narrowing,
      ),
    { total: ids.length },
  );
  if (!job) return busyPage(context);
  return { status: 303, location: `/jobs/${job.id}` };
};
