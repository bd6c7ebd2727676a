import type { Readable } from 'node:stream';
import { parseDurationMs } from '../../lambdas/core/duration.js';
import { parseWith } from '../../lambdas/core/schemas.js';
import type { SweepOverrides } from '../../lambdas/core/sweeper/overrides.js';
import { sweepOverridesSchema } from '../../lambdas/core/sweeper/overrides.js';
import type { SweepDecision, SweepReport } from '../../lambdas/core/sweeper/report.js';
import type { OperatorApi } from '../core/api.js';
import { type CommandLine, integerOption, UsageError } from './args.js';
import {
  auditTable,
  callbacksTable,
  decisionsTable,
  outcomeLine,
  type QueueNames,
  queuesTable,
  reportSucceeded,
  reportSummary,
} from './format.js';
import { createProgress, type Output } from './progress.js';

/** What a command reads and writes; the process's own streams, or a test's. */
export interface CliIo {
  stdout: Output;
  /** Progress, prompts and errors: stdout stays the result alone (tables or JSON). */
  stderr: Output;
  stdin: Readable & { isTTY?: boolean };
  /** Calls `handler` on Ctrl+C until the returned function is called. */
  onInterrupt(handler: () => void): () => void;
  confirm(question: string): Promise<boolean>;
}

export interface CommandContext {
  line: CommandLine;
  api: OperatorApi;
  io: CliIo;
  /** The operator's identity, for the audit. */
  requestedBy: string;
}

/** A command's exit code: 0 when everything succeeded, 1 when something failed. */
type Command = (context: CommandContext) => Promise<number>;

const json = (io: CliIo, value: unknown) => io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
const print = (io: CliIo, text: string) => io.stdout.write(`${text}\n`);

/** `--older-than 2h`: a duration, or a UsageError naming the option. */
function olderThanMs(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const ms = parseDurationMs(String(value));
  if (ms === undefined) {
    throw new UsageError(`--older-than must be a duration such as 90m, 2h or 3d, got "${value}"`);
  }
  return ms;
}

/** The flags of `sweep` as a manual run's overrides, checked by the sweeper's own schema. */
const overrideFlags: Record<string, string> = {
  maxQueuedAge: '--older-than',
  maxStops: '--max',
  queueAllowList: '--queue',
};

function sweepOverrides(values: CommandLine['values']): SweepOverrides {
  const input = {
    ...(values['older-than'] !== undefined ? { maxQueuedAge: values['older-than'] } : {}),
    ...(values.max !== undefined ? { maxStops: integerOption('max', values.max, 1) } : {}),
    ...(values.queue ? { queueAllowList: values.queue } : {}),
  };
  const parsed = parseWith(sweepOverridesSchema, input);
  if (parsed.ok) return parsed.value;
  const [first] = parsed.errors;
  const flag = overrideFlags[first?.field.split('.')[0] ?? ''] ?? first?.field;
  throw new UsageError(`${flag} ${first?.message}`);
}

export const runCommand: Record<
  Exclude<CommandLine['command'], undefined | 'console' | 'verify'>,
  Command
> = {
  async end({ line, api, io }) {
    const [contactId = ''] = line.positionals;
    const instances = (line.values.instance as string[] | undefined) ?? [];
    if (instances.length > 1) throw new UsageError('end takes one --instance');
    const securityUser = line.values['security-user'] as string | undefined;
    const outcome = await api.endContact({
      contactId,
      ...(instances[0] ? { instanceId: instances[0] } : {}),
      ...(securityUser !== undefined ? { securityUser } : {}),
    });
    if (line.values.json) json(io, { contactId, outcome });
    else print(io, outcomeLine(contactId, outcome));
    return outcome.kind === 'stopped' ? 0 : 1;
  },

  async queues({ line, api, io }) {
    const queues = await api.queues();
    if (line.values.json) json(io, queues);
    else print(io, queuesTable(queues));
    return queues.some((q) => q.metricsError) ? 1 : 0;
  },

  async callbacks({ line, api, io }) {
    const minAge = olderThanMs(line.values['older-than']);
    const callbacks = await api.callbacks({
      ...(line.values.queue ? { queueIds: line.values.queue as string[] } : {}),
      ...(minAge !== undefined ? { olderThanMs: minAge } : {}),
      ...(line.values.limit !== undefined
        ? { limit: integerOption('limit', line.values.limit, 1) }
        : {}),
    });
    if (line.values.json) json(io, callbacks);
    else print(io, callbacksTable(callbacks));
    return 0;
  },

  async audit({ line, api, io }) {
    const records = await api.audit(integerOption('limit', line.values.limit, 1) ?? 50);
    if (line.values.json) json(io, records);
    else print(io, auditTable(records));
    return 0;
  },

  async sweep(context) {
    const { line, api, io } = context;
    const overrides = sweepOverrides(line.values);
    // Refused before any call: with no terminal to ask on, only --yes may end callbacks.
    if (line.values.end && !line.values.yes && !io.stdin.isTTY) {
      throw new UsageError(
        'sweep --end asks before ending and stdin is not a terminal: pass --yes',
      );
    }
    const preview = await api.preview(overrides);
    const wouldEnd = preview.decisions.filter((d) => d.decision === 'would-end');
    if (!line.values.end) {
      if (line.values.json) json(io, preview);
      else
        print(
          io,
          `${decisionsTable(wouldEnd, await queueNames(api, wouldEnd))}${omitted(preview)}\n\nReport mode, nothing changed: ${reportSummary(preview)}`,
        );
      return reportSucceeded(preview) ? 0 : 1;
    }
    if (preview.counts.wouldEnd === 0) {
      if (line.values.json) json(io, preview);
      else print(io, `Nothing to end: ${reportSummary(preview)}`);
      return reportSucceeded(preview) ? 0 : 1;
    }
    return endWithConfirmation(context, overrides, preview);
  },
};

/** The queue names of the decisions' instances, read once a run (OperatorApi.names). */
async function queueNames(api: OperatorApi, decisions: SweepDecision[]): Promise<QueueNames> {
  const instanceIds = [...new Set(decisions.map((d) => d.instanceId))];
  const named = await Promise.all(instanceIds.map((id) => api.names(id)));
  return new Map(instanceIds.map((id, i) => [id, named[i]?.queues ?? new Map()]));
}

/** The report lists at most maxDecisionsInReport decisions; the counts cover the rest. */
function omitted(report: { decisionsOmitted: number }): string {
  return report.decisionsOmitted > 0
    ? `\n(${report.decisionsOmitted} more decisions not listed, past the report's MAX_DECISIONS_IN_REPORT; the counts include them)`
    : '';
}

/**
 * `sweep --end`: the callbacks it would end, listed, a yes, then the verified run of exactly those
 * (never picked again by age: one that crossed the limit while the question waited is not in it).
 */
async function endWithConfirmation(
  { line, api, io, requestedBy }: CommandContext,
  overrides: SweepOverrides,
  preview: SweepReport,
): Promise<number> {
  const listed = preview.decisions.filter((d) => d.decision === 'would-end');
  // The run's cap takes them in the order the preview found them.
  const chosen = listed.slice(0, preview.maxStops);
  const notes = [
    preview.counts.wouldEnd > preview.maxStops
      ? `${preview.counts.wouldEnd} qualify; the sweeper's cap is ${preview.maxStops} a run`
      : undefined,
    listed.length < Math.min(preview.counts.wouldEnd, preview.maxStops)
      ? `only the ${listed.length} the report lists are ended`
      : undefined,
  ].filter(Boolean);
  const count = `${chosen.length} callback${chosen.length === 1 ? '' : 's'}`;
  io.stderr.write(
    `${decisionsTable(chosen)}\n\n${count} would be ended in ${api.target.label}${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.\n`,
  );
  if (
    !line.values.yes &&
    !(await io.confirm(`End these ${chosen.length}, each after a last look?`))
  ) {
    io.stderr.write('Nothing ended.\n');
    return 1;
  }
  const stop = new AbortController();
  const stopListening = io.onInterrupt(() => {
    stop.abort();
    io.stderr.write('\nStopping after the call in flight (Ctrl+C again to quit at once)...\n');
  });
  const progress = createProgress(io.stderr);
  try {
    const ids = chosen.map((decision) => decision.contactId);
    const report = await api.endSelected(
      ids,
      {
        requestedBy,
        stopSignal: stop.signal,
        onDecision: (decision, done, total) => progress.update(decision, done, total),
      },
      overrides,
    );
    progress.finish();
    if (line.values.json) json(io, report);
    else print(io, reportSummary(report));
    return reportSucceeded(report) && !stop.signal.aborted ? 0 : 1;
  } finally {
    progress.finish();
    stopListening();
  }
}
