import type { PolicyContext, SweepRule } from './sweep-policies.js';

/** `rule 2 ("claims")`, or `rule 2` for a rule that was given no name. */
function labelOf(rules: readonly SweepRule[], rule: SweepRule): string {
  const position = rules.indexOf(rule) + 1;
  return rule.name === `rule-${position}`
    ? `rule ${position}`
    : `rule ${position} ("${rule.name}")`;
}

/** What no single rule can see: names, instances, and rules an earlier one hides. */
export function crossRuleProblems(rules: readonly SweepRule[], context: PolicyContext): string[] {
  const problems: string[] = [];
  const names = new Set<string>();
  const scheduleNames = new Set<string>();
  for (const rule of rules) {
    const label = labelOf(rules, rule);
    if (names.has(rule.name)) problems.push(`${label}, field name is used by an earlier rule`);
    names.add(rule.name);
    for (const [j, schedule] of rule.schedules.entries()) {
      if (scheduleNames.has(schedule.name)) {
        problems.push(
          `${label}, schedule ${j + 1}, field name "${schedule.name}" is used by another schedule`,
        );
      }
      scheduleNames.add(schedule.name);
    }
    if (rule.instanceId && !context.instanceIds.includes(rule.instanceId)) {
      problems.push(
        `${label}, field instance names ${rule.instanceId}, which is not one of the deployment's instances (${context.instanceIds.join(', ') || 'none: set instanceArn'})`,
      );
    }
    const hiddenBy = shadowingRules(rules, rule, context.instanceIds);
    if (hiddenBy) {
      problems.push(
        `${label} can never match: ${hiddenBy.map((r) => labelOf(rules, r)).join(' and ')} already ${hiddenBy.length === 1 ? 'matches' : 'match'} every queue it names${rule.instanceId ? ` in instance ${rule.instanceId}` : ''}; put it first or narrow the earlier rule's queues`,
      );
    }
  }
  return problems;
}

/**
 * The earlier rules that together match everything `rule` could match (first match wins, so
 * `rule` would never decide anything), or undefined. Instances are the deployment's: a rule
 * without one covers each of them.
 */
function shadowingRules(
  rules: readonly SweepRule[],
  rule: SweepRule,
  deploymentInstances: readonly string[],
): SweepRule[] | undefined {
  const earlier = rules.slice(0, rules.indexOf(rule));
  if (earlier.length === 0) return undefined;
  // Without instance information, a rule without an instance stands for any instance.
  const instances = rule.instanceId
    ? [rule.instanceId]
    : deploymentInstances.length > 0
      ? deploymentInstances
      : [undefined];
  const used = new Set<SweepRule>();
  for (const instanceId of instances) {
    const applicable = earlier.filter(
      (r) =>
        r.instanceId === undefined || (instanceId !== undefined && r.instanceId === instanceId),
    );
    const all = applicable.find((r) => r.queues === '*');
    if (all) {
      used.add(all);
      continue;
    }
    if (rule.queues === '*') return undefined;
    for (const queueId of rule.queues) {
      const covering = applicable.find((r) => r.queues !== '*' && r.queues.includes(queueId));
      if (!covering) return undefined;
      used.add(covering);
    }
  }
  return [...used];
}
