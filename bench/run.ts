import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lambdaDefaults } from '../lib/bundling.js';
import type { Bench, BenchResult } from './result.js';

const here = dirname(fileURLToPath(import.meta.url));

// The figures are the deployed functions' only when measured on the Node.js they run on.
const lambdaMajor = lambdaDefaults.runtime.name.replace(/^nodejs(\d+)\.x$/, '$1');
if (process.versions.node.split('.')[0] !== lambdaMajor) {
  throw new Error(
    `the benchmarks run on Node.js ${lambdaMajor} (the Lambdas' ${lambdaDefaults.runtime.name}), this is ${process.version}: use npm run bench`,
  );
}

/** Every benchmark module, in the order they run. Each exports `run: Bench`. */
const modules = [
  './handlers.ts',
  './cold-invocation.ts',
  './emulator.ts',
  './sweep.ts',
  './sweep-policies.ts',
  './last-look.ts',
];

const results: BenchResult[] = [];
for (const path of modules) {
  const { run } = (await import(path)) as { run: Bench };
  results.push(...(await run()));
}

const rows = results.map((r) => ({
  name: r.name,
  value: `${round(r.value)} ${r.unit}`,
  baseline: r.baseline === null ? '-' : `${round(r.baseline)} ${r.unit}`,
  ratio: r.ratio === null ? '-' : round(r.ratio),
  target: r.target,
  met: r.met ? 'yes' : 'NO',
}));
console.table(rows);
await mkdir(here, { recursive: true });
await writeFile(join(here, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
console.log(`wrote ${join('bench', 'results.json')}`);
if (results.some((r) => !r.met)) process.exitCode = 1;

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}
