/**
 * The worked examples of docs/configuration.md: each `docs/examples/<n>-<name>.json` holds a
 * title, a description and the CDK context it deploys with. The configuration page renders them,
 * a test reads each with the app's config reader, and .ci/run synthesizes each (cdk-nag and
 * cfn-lint): an example that stops working fails CI, not a reader.
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
  description: string[];
  /** CDK context, as in cdk.json; file paths in it are relative to the project root. */
  context: Record<string, unknown>;
}

/** Every example, in file-name order. */
export function docExamples(): DocExample[] {
  return readdirSync(examplesDir)
    .filter((name) => /^\d+-[a-z0-9-]+\.json$/.test(name) && !name.endsWith('.policies.json'))
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

const ticks = '```';
const fence = (language: string, text: string) => [`${ticks}${language}`, text, ticks];

/** The examples as the configuration page shows them. */
export function renderDocExamples(): string[] {
  const lines: string[] = [];
  for (const example of docExamples()) {
    lines.push(`### ${example.title}`, '', ...example.description, '');
    lines.push(`\`${example.file}\`, its \`context\`:`, '');
    lines.push(...fence('json', JSON.stringify(example.context, null, 2)), '');
    const policiesFile = example.context.sweepPoliciesFile;
    if (typeof policiesFile === 'string') {
      lines.push(`\`${policiesFile}\`:`, '');
      lines.push(...fence('json', readFileSync(join(root, policiesFile), 'utf8').trimEnd()), '');
    }
  }
  return lines;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv[2] === 'cdk-args') {
  const file = process.argv[3] ?? '';
  const example = docExamples().find((e) => e.file === file || join(root, e.file) === file);
  if (!example) throw new Error(`${file} is not an example in docs/examples`);
  console.log(cdkArgs(example).join('\n'));
}
