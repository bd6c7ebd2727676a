// The console's only script: it keeps a job page current by polling the job's status, and adds
// a "select all" box to the callbacks list. Every page works without it (reload a job page to see
// its progress); the server sends display strings.
const pollEveryMs = 400;

function cell(tag, text, scope) {
  const element = document.createElement(tag);
  if (scope) element.scope = scope;
  if (tag === 'th') {
    const code = document.createElement('code');
    code.textContent = text;
    element.append(code);
  } else {
    element.textContent = text;
  }
  return element;
}

function render(job, status) {
  document.getElementById('job-progress').textContent = status.progress;
  const bar = document.getElementById('job-bar');
  bar.max = status.total ?? Math.max(1, status.done);
  bar.value = status.done;
  const body = document.getElementById('job-results');
  const rows = status.results.map((result) => {
    const row = document.createElement('tr');
    row.append(
      cell('th', result.contactId, 'row'),
      Object.assign(cell('td', result.queueId), { className: 'id' }),
      cell('td', result.result),
      cell('td', result.detail),
    );
    return row;
  });
  body.replaceChildren(...rows);
  if (status.status !== 'running') document.getElementById('job-stop')?.remove();
  job.dataset.status = status.status;
}

async function poll(job) {
  try {
    const response = await fetch(`/jobs/${encodeURIComponent(job.dataset.job)}/status`, {
      headers: { accept: 'application/json' },
    });
    if (response.ok) render(job, await response.json());
  } catch {
    // The console stopped or the network blinked: try again on the next tick.
  }
  if (job.dataset.status === 'running') setTimeout(() => poll(job), pollEveryMs);
}

const job = document.getElementById('job');
if (job && job.dataset.status === 'running') poll(job);

/** A labelled box in the selection column's header that ticks or clears every callback. */
function addSelectAll(header) {
  const boxes = [...document.querySelectorAll('table.callbacks input[name="id"]')];
  if (boxes.length === 0) return;
  const all = Object.assign(document.createElement('input'), {
    type: 'checkbox',
    id: 'select-all',
  });
  const label = Object.assign(document.createElement('label'), {
    htmlFor: 'select-all',
    className: 'visually-hidden',
    textContent: 'Select all',
  });
  all.addEventListener('change', () => {
    for (const box of boxes) box.checked = all.checked;
  });
  header.replaceChildren(all, label);
}

const selectHeader = document.querySelector('table.callbacks th.select');
if (selectHeader) addSelectAll(selectHeader);

/**
 * Sortable tables (progressive enhancement): each column header of a `table.sortable` becomes a
 * button that sorts the rows by that column, ascending then descending, and says so in
 * aria-sort. A cell's data-sort-value (an age in ms, a count) sorts before its text.
 */
function sortKey(row, index) {
  const cell = row.children[index];
  const value = cell?.dataset.sortValue;
  if (value !== undefined && value !== '' && !Number.isNaN(Number(value))) return Number(value);
  return (cell?.textContent ?? '').trim().toLowerCase();
}

function sortBy(table, header, index) {
  const ascending = header.getAttribute('aria-sort') !== 'ascending';
  for (const other of table.querySelectorAll('thead th[aria-sort]'))
    other.removeAttribute('aria-sort');
  header.setAttribute('aria-sort', ascending ? 'ascending' : 'descending');
  const body = table.tBodies[0];
  const rows = [...body.rows];
  if (rows.length < 2 || rows[0].children.length <= index) return;
  rows.sort((a, b) => {
    const x = sortKey(a, index);
    const y = sortKey(b, index);
    const order = x < y ? -1 : x > y ? 1 : 0;
    return ascending ? order : -order;
  });
  body.replaceChildren(...rows);
}

for (const table of document.querySelectorAll('table.sortable')) {
  const headers = [...table.querySelectorAll('thead th')];
  headers.forEach((header, index) => {
    if (header.classList.contains('select')) return;
    const button = Object.assign(document.createElement('button'), {
      type: 'button',
      className: 'sort',
    });
    button.append(...header.childNodes);
    button.addEventListener('click', () => sortBy(table, header, index));
    header.replaceChildren(button);
  });
}

/** A table box that scrolls sideways takes the keyboard's focus, so arrows can scroll it. */
function focusableWhenScrolling() {
  for (const box of document.querySelectorAll('.table-scroll')) {
    if (box.scrollWidth > box.clientWidth) box.tabIndex = 0;
    else box.removeAttribute('tabindex');
  }
}
focusableWhenScrolling();
window.addEventListener('resize', focusableWhenScrolling);
