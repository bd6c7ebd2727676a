/**
 * The worked examples of docs/configuration.md: each `docs/examples/<n>-<name>.json` holds a
 * title, a description (Markdown lines) and the CDK context it deploys with. The configuration
 * page renders them, a test synthesizes each, and .ci/run synthesizes each with `cdk synth`
 * (cdk-nag and cfn-lint), so an example that stops working fails CI, not a reader.
 *
 * `tsx lib/doc-examples.ts cdk-args <file>` prints the example's `-c key=value` options, one word
 * a line, for `cdk synth`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
export const examplesDir = join(root, 'docs', 'examples');

export interface DocExample {
  /** The file, relative to the project root. */
  file: string;
  title: string;
  /** Markdown lines; an empty one separates paragraphs. */
  description: string[];
  /** CDK context, as in cdk.json's "context": JSON types. */
  context: Record<string, unknown>;
}

/** Every example, in file-name order (the number first). */
export function docExamples(): DocExample[] {
  return readdirSync(examplesDir)
    .filter((name) => /^\d+-[a-z0-9-]+\.json$/.test(name))
    .sort()
    .map((name) => {
      const path = join(examplesDir, name);
      const example = JSON.parse(readFileSync(path, 'utf8')) as Omit<DocExample, 'file'>;
      return { ...example, file: relative(root, path) };
    });
}

/** The example's context as `cdk synth` options: strings as they are, anything else as JSON. */
export function cdkArgs(example: DocExample): string[] {
  return Object.entries(example.context).flatMap(([key, value]) => [
    '-c',
    `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  ]);
}

/** The examples as the configuration page shows them. */
export function renderDocExamples(): string[] {
  const ticks = '```';
  return docExamples().flatMap((example) => [
    `### ${example.title}`,
    '',
    ...example.description,
    '',
    `\`${example.file}\`, its \`context\`:`,
    '',
    `${ticks}json`,
    JSON.stringify(example.context, null, 2),
    ticks,
    '',
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'cdk-args') {
  const file = process.argv[3] ?? '';
  const example = docExamples().find((e) => e.file === file || join(root, e.file) === file);
  if (!example) throw new Error(`${file} is not an example in docs/examples`);
  console.log(cdkArgs(example).join('\n'));
}
