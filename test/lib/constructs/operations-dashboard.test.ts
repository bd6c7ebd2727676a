import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { instanceArn, type Synthesized, synthesize } from '../helpers.js';

interface Widget {
  type: string;
  properties: { title?: string; markdown?: string; metrics?: unknown[][] };
}

/** The one dashboard's widgets, its body's tokens (function and queue names) replaced by "<ref>". */
function dashboardWidgets(template: Template): Widget[] {
  const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
  expect(dashboards).toHaveLength(1);
  const body = dashboards[0]?.Properties.DashboardBody;
  const parts: unknown[] = typeof body === 'string' ? [body] : body['Fn::Join'][1];
  const json = parts.map((part) => (typeof part === 'string' ? part : '<ref>')).join('');
  return JSON.parse(json).widgets;
}

const titles = (widgets: Widget[]) => widgets.map((widget) => widget.properties.title);

/** The metric names a widget graphs: `[namespace, name, ...dimensions, options]` rows. */
const metricRows = (widget: Widget | undefined) =>
  (widget?.properties.metrics ?? []).filter((row) => typeof row[0] === 'string');

const widgetTitled = (widgets: Widget[], pattern: RegExp) =>
  widgets.find((widget) => pattern.test(widget.properties.title ?? ''));

describe('OperationsDashboard', () => {
  let synthesized: Synthesized;
  let widgets: Widget[];

  beforeAll(() => {
    synthesized = synthesize({ instanceArn });
    widgets = dashboardWidgets(synthesized.template);
  });

  it('synthesizes with no cdk-nag finding', () => {
    expect(synthesized.synthError).toBeUndefined();
  });

  it("graphs each of the sweeper's metrics, summed over report and end mode", () => {
    for (const metricName of [
      'Ended',
      'WouldEnd',
      'Failed',
      'Throttled',
      'Discovered',
      'UnexplainedQueues',
      'EndedUntagged',
      'TagFailed',
    ]) {
      const graph = widgets.find((widget) =>
        metricRows(widget).some((row) => row[1] === metricName),
      );
      expect(graph, metricName).toBeDefined();
      expect(graph?.properties.metrics?.[0]).toEqual([
        { label: metricName, expression: 'FILL(reportMode, 0) + FILL(endMode, 0)' },
      ]);
      expect(metricRows(graph).map((row) => row.slice(0, 6))).toEqual([
        ['AmazonConnectEndContact', metricName, 'mode', 'report', 'service', 'callback-sweeper'],
        ['AmazonConnectEndContact', metricName, 'mode', 'end', 'service', 'callback-sweeper'],
      ]);
    }
  });

  it("graphs the tracker's errors and its dead-letter queue's depth", () => {
    const tracker = widgetTitled(widgets, /^Callback tracker: invocations/);
    expect(metricRows(tracker).map((row) => row[1])).toContain('Errors');
    const deadLetters = widgetTitled(widgets, /dead-letter queue/);
    expect(metricRows(deadLetters)).toEqual([
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        '<ref>',
        expect.objectContaining({ stat: 'Maximum' }),
      ],
    ]);
  });

  it('graphs both End a Contact functions: invocations, errors, throttles and duration', () => {
    for (const door of [/^end-contact \(flow\)/, /^stop-contact-api \(HTTP\)/]) {
      const doorWidgets = widgets.filter((widget) => door.test(widget.properties.title ?? ''));
      expect(doorWidgets.flatMap((widget) => metricRows(widget).map((row) => row[1]))).toEqual(
        expect.arrayContaining(['Invocations', 'Errors', 'Throttles', 'Duration']),
      );
    }
  });

  it.each([
    ['end-contact (flow)', 'end-contact'],
    ['stop-contact-api (HTTP)', 'stop-contact-api'],
  ])("graphs %s's outcomes by each of CXone's five branches", (title, service) => {
    const graph = widgets.find(
      (widget) => widget.properties.title === `${title}: outcomes by branch`,
    );

    expect(metricRows(graph)).toEqual(
      ['OnSuccess', 'OnInvalidContactID', 'OnUnauthorized', 'OnInvalidSecurityUser', 'Default'].map(
        (branch) => [
          'AmazonConnectEndContact',
          'EndContactOutcome',
          'Branch',
          branch,
          'service',
          service,
          expect.objectContaining({ stat: 'Sum', label: branch }),
        ],
      ),
    );
  });

  it("graphs Connect's QueueSize and LongestQueueWaitTime for every queue of the instance", () => {
    for (const metricName of ['QueueSize', 'LongestQueueWaitTime']) {
      const graph = widgets.find((widget) =>
        JSON.stringify(widget.properties.metrics ?? []).includes(`MetricName=\\"${metricName}\\"`),
      );
      expect(graph, metricName).toBeDefined();
      expect(graph?.properties.metrics).toEqual([
        [
          expect.objectContaining({
            expression: `SEARCH('{AWS/Connect,InstanceId,MetricGroup,QueueName} MetricName="${metricName}" InstanceId="0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b" MetricGroup="Queue"', 'Maximum', 60)`,
          }),
        ],
      ]);
    }
  });

  it('outputs the dashboard name', () => {
    expect(Object.keys(synthesized.template.findOutputs('DashboardName'))).toHaveLength(1);
  });

  it('leaves out the sweeper and Connect rows without an instance, and keeps the rest', () => {
    const offline = dashboardWidgets(
      synthesize({}, { expectWarnings: ['end-contact:no-instance-arn'] }).template,
    );
    expect(titles(offline).some((title) => title?.startsWith('Sweeper'))).toBe(false);
    expect(titles(offline).some((title) => title?.startsWith('Connect'))).toBe(false);
    expect(widgetTitled(offline, /dead-letter queue/)).toBeDefined();
    expect(widgetTitled(offline, /^end-contact \(flow\)/)).toBeDefined();
  });

  it('deploys no dashboard when dashboard is false', () => {
    const { template } = synthesize({ instanceArn, dashboard: 'false' });
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 0);
    expect(template.findOutputs('DashboardName')).toEqual({});
  });

  it('fails synth with one line naming the key when dashboard is not a boolean', () => {
    expect(() => synthesize({ instanceArn, dashboard: 'maybe' })).toThrow(
      /context key dashboard must be true or false/,
    );
  });
});
