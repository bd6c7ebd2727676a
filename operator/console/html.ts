import { createHash } from 'node:crypto';
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

/** An age for people (formatAge), or a dash when there is none. */
export function formatAgeMs(ms: number | undefined): string {
  return ms === undefined ? '—' : formatAge(ms);
}

/** `1 queue`, `3 queues`: a count with its noun, never `queue(s)`. */
export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export type BadgeTone = 'ok' | 'warn' | 'bad' | 'neutral';

/** A state as a badge: a word in a coloured pill; the word carries the meaning, not the colour. */
export function badge(text: string, tone: BadgeTone): Html {
  return html`<span class="badge badge-${tone}">${text}</span>`;
}

/** A name people read, its ID on hover (and for screen readers' description); the ID alone without one. */
export function named(name: string | undefined, id: string): Html {
  return name ? html`<span title="${id}">${name}</span>` : html`<span class="id">${id}</span>`;
}

/**
 * A table in its own horizontal scroller, so a narrow window scrolls the table and not the page;
 * named, and made focusable by the script when it does scroll, so a keyboard can scroll it.
 */
export function scrolling(label: string, table: Html): Html {
  return html`<div class="table-scroll" role="region" aria-label="${label}">${table}</div>`;
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

/**
 * The refusal page's own style, inline: its stylesheet would be refused too (no token, no asset).
 * The CSP allows exactly this text by its hash, and no other inline style.
 */
const REFUSAL_CSS =
  'body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24}' +
  'header{background:#24292f;color:#fff;padding:.6rem 1.25rem}header p{margin:0;font-weight:600}' +
  'main{padding:1rem 1.25rem 2rem;max-width:48rem}h1{font-size:1.4rem;margin:.2rem 0 .8rem}' +
  '.problem{border-left:4px solid #a40e26;background:#ffebe9;padding:.6rem .8rem}' +
  'code{font:.88em ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}';

/** `'sha256-…'` for the CSP's style-src: the refusal page's inline style and nothing else. */
export const refusalStyleSource = `'sha256-${createHash('sha256').update(REFUSAL_CSS).digest('base64')}'`;

/** A page for a request refused before it was read: styled inline, with no link that would be refused. */
export function refusalPage(title: string, body: Html): string {
  return `<!doctype html>${html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · End a Contact console</title>
<style>${new Html(REFUSAL_CSS)}</style>
</head>
<body>
<header><p>End a Contact console</p></header>
<main id="main">
<h1>${title}</h1>
${body}
</main>
</body>
</html>`}\n`;
}

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
