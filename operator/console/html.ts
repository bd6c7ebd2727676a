import { formatAge } from '../../lambdas/core/duration.js';

/** HTML that escapes everything it interpolates unless it is already Html. */
export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => entities[char] ?? char);
}

function piece(value: unknown): string {
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map(piece).join('');
  if (value === undefined || value === null || value === false) return '';
  return escapeHtml(String(value));
}

/** A template tag: `html\`<td>${id}</td>\`` escapes `id`; arrays join; absent values vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let text = strings[0] ?? '';
  values.forEach((value, i) => {
    text += piece(value) + (strings[i + 1] ?? '');
  });
  return new Html(text);
}

/** `3d 2h`, `4h 10m`, `25m` or `40s`: ages for people, to the second under a minute. */
export function formatAgeMs(ms: number | undefined): string {
  if (ms === undefined) return '—';
  return ms < 60_000 ? `${Math.max(0, Math.floor(ms / 1000))}s` : formatAge(ms);
}

/** The console's views, in the order of its navigation. */
export const VIEWS = [
  { path: '/', name: 'Queues' },
  { path: '/callbacks', name: 'Callbacks' },
  { path: '/sweep', name: 'Sweep' },
  { path: '/audit', name: 'Audit trail' },
  { path: '/end-contact', name: 'End a Contact' },
] as const;

export type ViewPath = (typeof VIEWS)[number]['path'];

export interface PageInput {
  title: string;
  /** The navigation entry to mark as current. */
  view?: ViewPath;
  /** The target's label, shown in the header. */
  target?: string;
  body: Html;
}

/** One document: skip link, header with the target, navigation, main. Assets are the console's own. */
export function page({ title, view, target, body }: PageInput): string {
  const nav = VIEWS.map(
    (entry) =>
      html`<li><a href="${entry.path}"${entry.path === view ? new Html(' aria-current="page"') : ''}>${entry.name}</a></li>`,
  );
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · End a Contact console</title>
<link rel="stylesheet" href="/assets/console.css">
<link rel="icon" href="/assets/icon.svg">
<script src="/assets/console.js" defer></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<p class="brand">End a Contact console${target ? html` <span class="target">· ${target}</span>` : ''}</p>
<nav aria-label="Views"><ul>${nav}</ul></nav>
</header>
<main id="main" tabindex="-1">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`}\n`;
}
