import { formatAgeMs, html } from '../html.js';
import { allowOnly } from '../params.js';
import { pageReply, type View } from '../reply.js';

/** `GET /`: per queue, what the registry tracks beside what Connect counts, as `queues` prints. */
export const queuesView: View = async (request, context) => {
  allowOnly(request.query, []);
  const queues = await context.api.queues();
  const flagged = queues.filter((queue) => queue.unexplained).length;
  const rows = queues.map(
    (queue) => html`<tr${queue.unexplained ? html` class="flagged"` : ''}>
<th scope="row"><a href="/callbacks?queue=${encodeURIComponent(queue.queueId)}">${queue.queueId}</a></th>
<td class="id">${queue.instanceId}</td>
<td class="num">${queue.trackedCallbacks}</td>
<td class="num">${formatAgeMs(queue.oldestTrackedAgeMs)}</td>
<td class="num">${queue.contactsInQueue ?? '—'}</td>
<td class="num">${formatAgeMs(queue.oldestContactAgeMs)}</td>
<td>${
      queue.metricsError
        ? html`metrics unavailable: ${queue.metricsError}`
        : queue.unexplained
          ? html`<strong>unexplained</strong>: Connect's oldest contact is older than any tracked callback`
          : 'ok'
    }</td>
</tr>`,
  );
  const body = html`<p>${queues.length} queue(s); ${flagged} unexplained. A queue is unexplained when Connect's oldest contact is older than any callback the registry tracks there: contact events may have been lost.</p>
<table>
<caption>Queues: the registry's tracked callbacks beside Connect's real-time metrics</caption>
<thead><tr>
<th scope="col">Queue</th><th scope="col">Instance</th>
<th scope="col">Tracked callbacks</th><th scope="col">Oldest tracked</th>
<th scope="col">Contacts in queue (Connect)</th><th scope="col">Oldest contact (Connect)</th>
<th scope="col">Flag</th>
</tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No queues.</td></tr>`}</tbody>
</table>`;
  return pageReply(context, 'Queues', body, { view: '/' });
};
