import { Stack } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { contextKeys, deploymentInstances, readConfig } from '../../lib/config.js';
import { workedExamples } from '../../lib/configuration-doc.js';
import { synthesize } from './helpers.js';

// The worked examples of docs/configuration.md; .ci/run also synthesizes each with `cdk synth`.
const examples = workedExamples();

describe('the worked examples in docs/examples/', () => {
  it('each have a place of their own on the page', () => {
    const orders = examples.map((e) => e.order);
    expect(new Set(orders).size).toBe(orders.length);
    expect(orders.every((order) => Number.isInteger(order) && order > 0)).toBe(true);
  });

  it.each(examples.map((e) => [e.name, e] as const))(
    '%s uses only context keys the app reads, and synthesizes with no cdk-nag finding',
    (_name, example) => {
      const unknown = Object.keys(example.context).filter((key) => !contextKeys.includes(key));
      expect(unknown).toEqual([]);

      const { app, synthError } = synthesize({ ...example.context });

      expect(synthError).toBeUndefined();
      const regions = new Set(
        deploymentInstances(readConfig((key) => example.context[key])).map((i) => i.region),
      );
      expect(app.node.children.filter((c) => c instanceof Stack)).toHaveLength(
        Math.max(1, regions.size),
      );
    },
  );
});
