import { describe, expect, it } from 'vitest';
import { readConfig } from '../../lib/config.js';
import { cdkArgs, docExamples } from '../../lib/doc-examples.js';
import { synthesize } from './helpers.js';

describe('the worked examples of docs/configuration.md', () => {
  const examples = docExamples();

  it('finds the examples in file-name order', () => {
    expect(examples.map((e) => e.file).slice(0, 2)).toEqual([
      'docs/examples/1-single-queue.json',
      'docs/examples/2-closing-time.json',
    ]);
  });

  it.each(examples.map((e) => [e.title, e] as const))(
    '%s reads as valid context, with sweep policies',
    (_, example) => {
      const config = readConfig((key) => example.context[key], Object.keys(example.context));
      expect(config.sweeper.policies?.length).toBeGreaterThan(0);
    },
  );

  it.each(examples.map((e) => [e.title, e] as const))(
    '%s synthesizes with no unacknowledged cdk-nag finding',
    (_, example) => {
      expect(synthesize(example.context).synthError).toBeUndefined();
    },
  );

  it('gives cdk synth one option word a line, JSON for anything not a string', () => {
    expect(
      cdkArgs({ file: 'x', title: 'x', description: [], context: { a: 'b c', d: [1], e: 2 } }),
    ).toEqual(['-c', 'a=b c', '-c', 'd=[1]', '-c', 'e=2']);
  });
});
