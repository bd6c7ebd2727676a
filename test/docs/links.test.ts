import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** The text outside fenced code blocks and inline code, where links are links. */
function prose(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const found = new Set<string>();
  const withoutCode = markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const text = (heading as string)
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]+>/g, '')
      .replace(/[*_`]/g, '');
    const slug = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    found.add(n === 0 ? slug : `${slug}-${n}`);
  }
  for (const [, id] of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) found.add(id as string);
  return found;
}

/** Every relative link of a page: `[text](target)` and `<img src>`, with its anchor. */
function relativeLinks(markdown: string): string[] {
  const text = prose(markdown);
  const targets = [
    ...[...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1] as string),
    ...[...text.matchAll(/^\[[^\]]+\]:\s*(\S+)/gm)].map((m) => m[1] as string),
    ...[...text.matchAll(/<img[^>]+src="([^"]+)"/g)].map((m) => m[1] as string),
  ];
  return targets.filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t));
}

function broken(page: string): string[] {
  const markdown = readFileSync(join(root, page), 'utf8');
  const problems: string[] = [];
  for (const link of relativeLinks(markdown)) {
    const [path = '', anchor] = link.split('#');
    const target = path === '' ? join(root, page) : join(root, dirname(page), decodeURI(path));
    if (!existsSync(target)) {
      problems.push(`${link}: no file ${relative(root, target)}`);
      continue;
    }
    if (anchor === undefined || !target.endsWith('.md') || statSync(target).isDirectory()) continue;
    if (!anchors(readFileSync(target, 'utf8')).has(decodeURIComponent(anchor))) {
      problems.push(`${link}: no heading #${anchor} in ${relative(root, target)}`);
    }
  }
  return problems;
}

describe('the README and docs/', () => {
  it.each(pages)('%s links only to files and headings that exist', (page) => {
    expect(broken(page)).toEqual([]);
  });

  it('finds the links it checks', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');

    expect(relativeLinks(readme)).toContain('docs/cli.md');
  });

  it('reads GitHub-style anchors as GitHub makes them', () => {
    expect([...anchors('# Sweep policies: worked examples\n## A rule\n## A rule\n')]).toEqual([
      'sweep-policies-worked-examples',
      'a-rule',
      'a-rule-1',
    ]);
  });
});
