import { html } from '../html.js';
import { allowOnly, integer, optional } from '../params.js';
import { pageReply, type View } from '../reply.js';

const kindText = {
  ended: 'ended',
  'stop-intent': 'about to end (no end recorded yet)',
  'observed-gone': 'found gone',
} as const;

/** `GET /audit`: what was ended, by whom, when and why, newest first, from the registry's audit records. */
export const auditView: View = async (request, context) => {
  allowOnly(request.query, ['limit']);
  const limit = integer('limit', optional(request.query, 'limit'), { min: 1, max: 1000 }) ?? 100;
  const records = await context.api.audit(limit);
  const rows = records.map(
    (record) => html`<tr>
<td><time datetime="${record.at}">${record.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z')}</time></td>
<td>${kindText[record.kind] ?? record.kind}</td>
<th scope="row"><code>${record.contactId}</code></th>
<td class="id">${record.queueId ?? '—'}</td>
<td>${record.requestedBy ?? '—'}</td>
<td>${record.reason ?? '—'}</td>
<td>${record.runId ? html`<code title="${record.runId}">${record.runId.slice(0, 8)}</code>` : '—'}</td>
</tr>`,
  );
  const body = html`<form method="get" action="/audit" class="filters" aria-label="Audit records shown">
<div><label for="audit-limit">Records</label><input id="audit-limit" name="limit" type="number" min="1" max="1000" value="${limit}"></div>
<div><button type="submit">Show</button></div>
</form>
<table>
<caption>The ${records.length === 1 ? 'most recent audit record' : `${records.length} most recent audit records`}, newest first</caption>
<thead><tr><th scope="col">When (UTC)</th><th scope="col">What</th><th scope="col">Contact ID</th><th scope="col">Queue</th><th scope="col">Requested by</th><th scope="col">Why</th><th scope="col">Run</th></tr></thead>
<tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">No audit records yet.</td></tr>`}</tbody>
</table>`;
  return pageReply(context, 'Audit trail', body, { view: '/audit' });
};
