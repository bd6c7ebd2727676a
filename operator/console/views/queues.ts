import type { QueueOverview } from '../../core/api.js';
import { badge, formatAgeMs, html, named, plural, scrolling } from '../html.js';
import { allowOnly } from '../params.js';
import { pageReply, type View } from '../reply.js';

function status(queue: QueueOverview) {
  if (queue.metricsError) {
    return html`${badge('no metrics', 'bad')} <span class="hint">${queue.metricsError}</span>`;
  }
  return queue.unexplained
    ? html`${badge('unexplained', 'warn')} <span class="hint">Connect's oldest contact is older than any tracked callback</span>`
    : badge('ok', 'ok');
}

/** An age cell that sorts by its milliseconds, not its text. */
const ageCell = (ms: number | undefined) =>
  html`<td class="num" data-sort-value="${ms ?? -1}">${formatAgeMs(ms)}</td>`;

/**
 * `GET /`: per queue, what the registry tracks beside what Connect counts, as `queues` prints:
 * names from Connect (ListQueues, DescribeInstance), IDs on hover.
 */
export const queuesView: View = async (request, context) => {
  allowOnly(request.query, []);
  const queues = await context.api.queues();
  const flagged = queues.filter((queue) => queue.unexplained).length;
  const rows = queues.map(
    (queue) => html`<tr${queue.unexplained ? html` class="flagged"` : ''}>
<th scope="row"><a href="/callbacks?queue=${encodeURIComponent(queue.queueId)}" title="${queue.queueId}">${queue.queueName ?? queue.queueId}</a></th>
<td class="name">${named(queue.instanceAlias, queue.instanceId)}</td>
<td class="num">${queue.trackedCallbacks}</td>
${ageCell(queue.oldestTrackedAgeMs)}
<td class="num" data-sort-value="${queue.contactsInQueue ?? -1}">${queue.contactsInQueue ?? '—'}</td>
${ageCell(queue.oldestContactAgeMs)}
<td>${status(queue)}</td>
</tr>`,
  );
  const body = html`<p>${plural(queues.length, 'queue')}, ${flagged} unexplained. A queue is unexplained when Connect's oldest contact is older than any callback the registry tracks there: contact events may have been lost.</p>
${scrolling(
  'Queues',
  html`<table class="sortable">
<caption>Queues: the registry's tracked callbacks beside Connect's real-time metrics</caption>
<thead><tr>
<th scope="col">Queue</th><th scope="col">Instance</th>
<th scope="col" class="num">Tracked callbacks</th><th scope="col" class="num">Oldest tracked</th>
<th scope="col" class="num">Contacts in queue (Connect)</th><th scope="col" class="num">Oldest contact (Connect)</th>
<th scope="col">Status</th>
</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No queues.</td></tr>`}</tbody>
</table>`,
)}`;
  return pageReply(context, 'Queues', body, { view: '/' });
};
