import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { contextKeys, readConfig } from '../../lib/config.js';
import { cdkArgs, docExamples } from '../../lib/doc-examples.js';
import { synthesize } from './helpers.js';

// The worked examples of docs/configuration.md; .ci/run also synthesizes each with `cdk synth`.
const examples = docExamples();

describe('the worked examples in docs/examples/', () => {
  it('include example 3, two instances', () => {
    expect(examples.map((e) => e.file)).toContain('docs/examples/3-two-instances.json');
  });

  it('turn into one -c option per context key, lists as JSON', () => {
    const twoInstances = examples.find((e) => e.file.endsWith('3-two-instances.json'));
    if (!twoInstances) throw new Error('docs/examples/3-two-instances.json is missing');
    const { instanceArns } = twoInstances.context as { instanceArns: string[] };

    const args = cdkArgs(twoInstances);

    expect(args.filter((arg) => arg === '-c')).toHaveLength(args.length / 2);
    expect(args).toContain(`instanceArns=${JSON.stringify(instanceArns)}`);
  });

  it.each(examples.map((e) => [e.file, e] as const))(
    '%s uses only context keys the app reads, and synthesizes a stack per Region with no cdk-nag finding',
    (_file, example) => {
      const unknown = Object.keys(example.context).filter((key) => !contextKeys.includes(key));
      expect(unknown).toEqual([]);

      const { app, synthError } = synthesize({ ...example.context });

      expect(synthError).toBeUndefined();
      const regions = new Set(
        readConfig((key) => example.context[key]).instances.map((i) => i.region),
      );
      expect(app.node.children.filter((c) => c instanceof Stack)).toHaveLength(
        Math.max(1, regions.size),
      );
    },
  );
});
