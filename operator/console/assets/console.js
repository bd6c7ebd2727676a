// The console's only script: it keeps a job page current by polling the job's status. Every page
// works without it (reload a job page to see its progress); the server sends display strings.
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
