import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { handlerBuild, lambdaDefaults } from '../../lib/bundling.js';

const scripts: Record<string, string> = JSON.parse(
  readFileSync(new URL('../../package.json', import.meta.url), 'utf8'),
).scripts;

describe('the Lambda runtime', () => {
  const major = /^nodejs(\d+)\.x$/.exec(lambdaDefaults.runtime.name)?.[1];

  it('is a Node.js runtime the bundles are built for', () => {
    expect(major).toBeDefined();
    expect(handlerBuild.target).toBe(`node${major}`);
  });

  it('is the Node.js the second test run and the benchmarks use', () => {
    expect(scripts['test:node24']).toContain(`--package=node@${major} `);
    expect(scripts.bench).toContain(`--package=node@${major} `);
  });
});
