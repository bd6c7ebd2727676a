import type { CallbackFilter, TrackedCallback } from '../../core/api.js';
import { badge, formatAgeMs, type Html, html, named, plural, scrolling } from '../html.js';
import { readOverrides } from '../overrides.js';
import {
  allowOnly,
  BadParameterError,
  contactIds,
  duration,
  integer,
  optional,
  queueId,
  required,
} from '../params.js';
import { type ConsoleRequest, pageReply, type View } from '../reply.js';

const filterParams = ['queue', 'olderThan', 'limit'] as const;

function readFilter(query: URLSearchParams) {
  const queue = queueId('queue', optional(query, 'queue'));
  const olderThan = optional(query, 'olderThan');
  const filter: CallbackFilter = {};
  if (queue !== undefined) filter.queueIds = [queue];
  const olderThanMs = duration('olderThan', olderThan);
  if (olderThanMs !== undefined) filter.olderThanMs = olderThanMs;
  const limit = integer('limit', optional(query, 'limit'), { min: 1, max: 1000 });
  if (limit !== undefined) filter.limit = limit;
  return { queue, olderThan, filter };
}

function queueSelect(
  id: string,
  queues: { queueId: string; queueName?: string }[],
  selected: string | undefined,
  anyLabel?: string,
) {
  const options = queues.map(
    (queue) =>
      html`<option value="${queue.queueId}"${queue.queueId === selected ? html` selected` : ''}>${queue.queueName ?? queue.queueId}</option>`,
  );
  return html`<select id="${id}" name="queue"${anyLabel ? '' : html` required`}>${anyLabel ? html`<option value="">${anyLabel}</option>` : ''}${options}</select>`;
}

/** A chosen callback the registry no longer lists as queued: answered or ended since the list. */
type Listed =
  | TrackedCallback
  | { contactId: string; queueId?: undefined; queueName?: undefined; ageMs?: undefined };

function callbackRows(callbacks: Listed[], selectable: boolean): Html[] {
  return callbacks.map(
    (callback) => html`<tr>
${selectable ? html`<td><input type="checkbox" name="id" value="${callback.contactId}" id="select-${callback.contactId}"><label for="select-${callback.contactId}" class="visually-hidden">Select ${callback.contactId}</label></td>` : ''}
<th scope="row"><code>${callback.contactId}</code></th>
<td>${callback.queueId ? named(callback.queueName, callback.queueId) : '—'}</td>
<td class="num" data-sort-value="${callback.ageMs ?? -1}">${formatAgeMs(callback.ageMs)}</td>
<td>${callback.ageMs === undefined ? html`${badge('not queued now', 'neutral')} <span class="hint">its last look decides</span>` : badge('queued', 'warn')}</td>
</tr>`,
  );
}

function callbackTable(caption: string, callbacks: Listed[], selectable: boolean) {
  return scrolling(
    'Callbacks',
    html`<table class="callbacks sortable">
<caption>${caption}</caption>
<thead><tr>${selectable ? html`<th scope="col" class="select"><span class="visually-hidden">Select</span></th>` : ''}<th scope="col">Contact ID</th><th scope="col">Queue</th><th scope="col" class="num">Age</th><th scope="col">State</th></tr></thead>
<tbody>${callbacks.length > 0 ? callbackRows(callbacks, selectable) : html`<tr><td colspan="${selectable ? 5 : 4}">No tracked callbacks match.</td></tr>`}</tbody>
</table>`,
  );
}

/** `GET /callbacks`: the registry's queued callbacks, filtered by queue and age, to select and end. */
export const callbacksView: View = async (request, context) => {
  allowOnly(request.query, filterParams);
  const { queue, olderThan, filter } = readFilter(request.query);
  const [callbacks, queues] = await Promise.all([
    context.api.callbacks(filter),
    context.api.queues(),
  ]);
  const queueName = queues.find((entry) => entry.queueId === queue)?.queueName;
  const described = [
    queue ? `in queue ${queueName ?? queue}` : 'in every queue',
    olderThan ? `queued at least ${olderThan}` : undefined,
  ]
    .filter(Boolean)
    .join(', ');
  const body = html`<form method="get" action="/callbacks" class="filters" role="search" aria-label="Filter callbacks">
<div><label for="filter-queue">Queue</label>${queueSelect('filter-queue', queues, queue, 'All queues')}</div>
<div><label for="filter-older">Older than</label><input id="filter-older" name="olderThan" value="${olderThan ?? ''}" placeholder="e.g. 2h" aria-describedby="older-hint"><span id="older-hint" class="hint">a duration: 30m, 2h, 1d</span></div>
<div><button type="submit">Filter</button></div>
</form>
<form method="get" action="/callbacks/confirm">
${callbackTable(`${plural(callbacks.length, 'tracked callback')} ${described}, oldest first`, callbacks, true)}
<p><button type="submit" ${callbacks.length === 0 ? html`disabled` : ''}>End selected…</button> <span class="hint">You confirm on the next page.</span></p>
</form>
<form method="get" action="/callbacks/confirm" class="end-all">
<fieldset class="row"><legend>End all callbacks older than a given age in one queue</legend>
<input type="hidden" name="scope" value="all">
<div><label for="all-queue">Queue</label>${queueSelect('all-queue', queues, queue)}</div>
<div><label for="all-older">Older than</label><input id="all-older" name="olderThan" required value="${olderThan ?? ''}" placeholder="e.g. 2h"></div>
<div><button type="submit">End all older…</button></div>
</fieldset>
</form>`;
  return pageReply(context, 'Tracked callbacks', body, { view: '/callbacks' });
};

/** `GET /callbacks/confirm`: what an End would end, and the one button that does it. */
export const confirmEndView: View = async (request, context) => {
  const all = optional(request.query, 'scope') === 'all';
  let callbacks: Listed[];
  let hidden: Html;
  let explain: string;
  if (all) {
    const { queue, olderThan, olderThanMs } = readAllOlder(request.query);
    const listed = await context.api.callbacks({ queueIds: [queue], olderThanMs });
    callbacks = listed;
    // The End acts on these, kept here: one that crosses the age after this page is not in it.
    const key = context.confirmations.add({
      title: `Ending ${listed.length} callback(s) older than ${olderThan} in queue ${queue}`,
      contactIds: listed.map((callback) => callback.contactId),
      narrowing: { queueAllowList: [queue] },
    });
    hidden = html`<input type="hidden" name="scope" value="all"><input type="hidden" name="confirmation" value="${key}">`;
    explain = `End the ${listed.length} callback(s) queued at least ${olderThan} in queue ${queue} listed here, and no other: one that reaches that age after this page is not ended. The sweeper ends them in mode end, with its caps (at most its maxStops per run) and its rate limits.`;
  } else {
    allowOnly(request.query, ['id', 'scope']);
    const ids = contactIds(request.query, 'id');
    const tracked = await context.api.callbacks({});
    const byId = new Map(tracked.map((callback) => [callback.contactId, callback]));
    callbacks = ids.map((contactId) => byId.get(contactId) ?? { contactId });
    hidden = html`${ids.map((id) => html`<input type="hidden" name="id" value="${id}">`)}`;
    explain = `End ${ids.length === 1 ? 'this callback' : `these ${ids.length} callbacks`}, whatever their age.`;
  }
  const body = html`<p>${explain} Each is looked at again in Connect right before its stop: one an agent has been offered, accepted or answered meanwhile is skipped, not ended.</p>
${callbackTable('Callbacks to end', callbacks, false)}
<form method="post" action="/callbacks/end">${hidden}
<p><button type="submit" class="danger">Confirm: end ${all ? 'them' : plural(callbacks.length, 'callback')}</button> <a href="/callbacks">Cancel</a></p>
</form>`;
  return pageReply(context, 'Confirm the end', body, { view: '/callbacks' });
};

/** `POST /callbacks/end`: starts the end as a job and shows its page. */
export const endCallbacksView: View = (request: ConsoleRequest, context) => {
  const form = request.form;
  // Busy first: the confirmation stays usable once the running end is done.
  if (context.jobs.running) return busyPage(context);
  const all = optional(form, 'scope') === 'all';
  const run = all ? confirmedList(form, context) : selected(form);
  if (!run) return expiredPage(context);
  const ids = [...run.ids];
  const job = context.jobs.start(
    run.title,
    (options) =>
      context.api.endSelected(ids, { ...options, requestedBy: context.requestedBy }, run.narrowing),
    { total: ids.length },
  );
  if (!job) return busyPage(context);
  return { status: 303, location: `/jobs/${job.id}` };
};

/** "All older in queue Y": exactly the callbacks its confirm page listed, kept server-side. */
function confirmedList(form: URLSearchParams, context: Parameters<View>[1]) {
  allowOnly(form, ['scope', 'confirmation']);
  const key = required(form, 'confirmation', 'confirm on the page that lists the callbacks');
  const confirmation = context.confirmations.take(key);
  if (!confirmation) return undefined;
  return {
    title: confirmation.title,
    ids: confirmation.contactIds,
    narrowing: confirmation.narrowing,
  };
}

export function expiredPage(context: Parameters<View>[1]) {
  return pageReply(
    context,
    'Confirmation used or unknown',
    html`<p role="alert" class="problem">This confirmation was already used, or this console never made it (it keeps the last 100). Nothing was ended. <a href="/callbacks">List the callbacks again</a> and confirm what that page shows.</p>`,
    { status: 409 },
  );
}

/** "All older than X in queue Y", checked by the sweeper's own schema (its bounds on the age too). */
function readAllOlder(params: URLSearchParams) {
  allowOnly(params, ['scope', 'queue', 'olderThan']);
  const queue = queueId('queue', required(params, 'queue', 'choose the queue to clear')) as string;
  const olderThan = required(params, 'olderThan', 'give an age such as 2h');
  const olderThanMs = duration('olderThan', olderThan) as number;
  try {
    const query = new URLSearchParams({ maxQueuedAge: olderThan, queueAllowList: queue });
    const { overrides } = readOverrides(query, { mode: 'end' });
    return { queue, olderThan, olderThanMs, overrides };
  } catch (error) {
    if (error instanceof BadParameterError && error.parameter === 'maxQueuedAge') {
      throw new BadParameterError('olderThan', error.problem);
    }
    throw error;
  }
}

function selected(form: URLSearchParams) {
  allowOnly(form, ['id', 'scope']);
  const ids = contactIds(form, 'id');
  return { title: `Ending ${plural(ids.length, 'selected callback')}`, ids, narrowing: {} };
}

export function busyPage(context: Parameters<View>[1]) {
  const running = context.jobs.running;
  return pageReply(
    context,
    'Another end is running',
    html`<p role="alert" class="problem">Bulk ends run one at a time, so the sweeper's caps and rate limits hold. ${running ? html`<a href="/jobs/${running.id}">See the running one</a>.` : ''}</p>`,
    { status: 409 },
  );
}
