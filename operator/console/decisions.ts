import type { SweepDecision } from '../../lambdas/core/sweeper/report.js';

/**
 * A decision as one line for people: `ended`, `skipped: connected to agent`, `failed: …`. A
 * callback answered meanwhile is a skip with the sweeper's reason, never an error.
 */
export function describeDecision(decision: SweepDecision): string {
  switch (decision.decision) {
    case 'skipped':
      return `skipped: ${decision.reason.replaceAll('-', ' ')}`;
    case 'ended':
      return decision.tag === 'tag-failed' ? 'ended (audit tag failed)' : 'ended';
    case 'would-end':
      return 'would end';
    case 'already-gone':
      return 'already gone';
    default:
      return `${decision.decision}: ${decision.reason} (kept for the next run)`;
  }
}

/** The reason column: the skip reason is already in the result. */
export function decisionDetail(decision: SweepDecision): string {
  return decision.decision === 'skipped' ? '' : decision.reason;
}
