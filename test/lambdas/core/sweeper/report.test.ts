import { describe, expect, it } from 'vitest';
import type { SweepDecision } from '../../../../lambdas/core/sweeper/model.js';
import { finishReport, ReportBuilder } from '../../../../lambdas/core/sweeper/report.js';
import { testRules, testSweepSettings } from '../../../support/sweep-settings.js';

const subject = { contactId: 'c-1', instanceId: 'instance-1', queueId: 'q-1' };

describe('ReportBuilder', () => {
  it('counts every decision by kind and skip reason, and lists them with their reasons', () => {
    const report = new ReportBuilder(10);

    report.skip(subject, 'queued-recently');
    report.skip(subject, 'queued-recently');
    report.wouldEnd(subject, 'queued-too-long');
    report.alreadyGone(subject, 'disconnected');
    report.fail(
      subject,
      { kind: 'throttled', code: 'ThrottlingException', message: '' },
      'DescribeContact',
    );
    report.fail(
      subject,
      { kind: 'failed', code: 'InternalServiceException', message: '' },
      'StopContact',
    );

    expect(report.counts).toMatchObject({
      skipped: { 'queued-recently': 2 },
      wouldEnd: 1,
      alreadyGone: 1,
      throttled: 1,
      failed: 1,
    });
    expect(report.decisions.map((d) => `${d.decision}: ${d.reason}`)).toEqual([
      'skipped: queued-recently',
      'skipped: queued-recently',
      'would-end: queued-too-long',
      'already-gone: disconnected',
      'throttled: DescribeContact: ThrottlingException',
      'failed: StopContact: InternalServiceException',
    ]);
  });

  it('counts an end left untagged or whose tag failed, and lists its tag', () => {
    const report = new ReportBuilder(10);

    report.ended(subject, 'queued-too-long', 'tagged');
    report.ended(subject, 'queued-too-long', 'untagged-limit');
    report.ended(subject, 'duplicate', 'tag-failed');

    expect(report.counts).toMatchObject({ ended: 3, endedUntagged: 1, tagFailed: 1 });
    expect(report.decisions[1]).toEqual({
      ...subject,
      decision: 'ended',
      reason: 'queued-too-long',
      tag: 'untagged-limit',
    });
  });

  it('lists decisions up to its cap, counts the rest as omitted, and still tells onDecision of each', () => {
    const told: SweepDecision[] = [];
    const report = new ReportBuilder(1, (decision) => told.push(decision));

    report.skip(subject, 'not-found');
    report.skip(subject, 'not-found');

    expect(report.decisions).toHaveLength(1);
    expect(report.decisionsOmitted).toBe(1);
    expect(told).toHaveLength(2);
    expect(report.counts.skipped).toEqual({ 'not-found': 2 });
  });

  it('counts per rule the decisions that name it', () => {
    const report = new ReportBuilder(10, undefined, ['billing', 'claims']);

    report.wouldEnd({ ...subject, rule: 'billing' }, 'queued-too-long');
    report.skip({ ...subject, rule: 'billing' }, 'queued-recently');
    report.skip(subject, 'no-rule');

    expect(report.byRule.get('billing')).toEqual({
      candidates: 2,
      ended: 0,
      wouldEnd: 1,
      alreadyGone: 0,
      skipped: 1,
      failed: 0,
      throttled: 0,
    });
    expect(report.byRule.get('claims')?.candidates).toBe(0);
  });
});

describe('finishReport', () => {
  const finished = (overrides: Partial<Parameters<typeof finishReport>[0]> = {}) =>
    finishReport({
      runId: 'run-1',
      mode: 'end',
      settings: testSweepSettings(['instance-1']),
      policies: false,
      startedAt: '2026-11-22T12:00:00.000Z',
      stoppedEarly: undefined,
      position: { available: true, fallback: undefined },
      report: new ReportBuilder(10),
      discovery: [],
      reconciliation: [],
      ...overrides,
    });

  it('says a run that did not stop early is complete, and how its last look proved waiting', () => {
    expect(finished()).toMatchObject({
      runId: 'run-1',
      mode: 'end',
      instanceIds: ['instance-1'],
      maxQueuedAgeSeconds: 86_400,
      complete: true,
      lastLook: 'position-and-describe',
    });
    expect(finished()).not.toHaveProperty('rules');
  });

  it('says why a run stopped early and why its last look fell back to DescribeContact alone', () => {
    const report = finished({
      stoppedEarly: 'time-budget',
      position: { available: false, fallback: 'GetContactMetrics: AccessDeniedException' },
    });

    expect(report).toMatchObject({
      complete: false,
      stoppedEarly: 'time-budget',
      lastLook: 'describe-only',
      lastLookFallback: 'GetContactMetrics: AccessDeniedException',
    });
  });

  it('lists each rule with its mode, age and counts when the run follows sweep policies', () => {
    const policies = testRules(
      [{ name: 'billing', queues: ['q-1'], maxQueuedAge: '4h', mode: 'report' }],
      ['instance-1'],
    );
    const builder = new ReportBuilder(10, undefined, ['billing']);

    const report = finished({
      settings: testSweepSettings(['instance-1'], { policies }),
      policies: true,
      report: builder,
    });

    expect(report.rules).toEqual([
      {
        name: 'billing',
        mode: 'report',
        maxQueuedAgeSeconds: 14_400,
        counts: builder.byRule.get('billing'),
      },
    ]);
    expect(report.maxQueuedAgeSeconds).toBe(14_400);
  });

  it("gathers every instance's unexplained queues from reconciliation", () => {
    const unexplained = {
      instanceId: 'instance-1',
      queueId: 'q-1',
      oldestContactAgeSeconds: 90_000,
    };
    const report = finished({
      reconciliation: [{ instanceId: 'instance-1', queuesChecked: 1, unexplained: [unexplained] }],
    });

    expect(report.unexplainedQueues).toEqual([unexplained]);
  });
});
