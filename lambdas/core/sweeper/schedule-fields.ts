import { type Check, shown } from './rule-fields.js';

/** The checks of a scheduled clear's cron expression and time zone, as EventBridge Scheduler reads them. */

const cronFieldSpecs = [
  { name: 'minutes', min: 0, max: 59, special: '' },
  { name: 'hours', min: 0, max: 23, special: '' },
  { name: 'day-of-month', min: 1, max: 31, special: '?LW' },
  {
    name: 'month',
    min: 1,
    max: 12,
    special: '',
    names: 'JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC',
  },
  { name: 'day-of-week', min: 1, max: 7, special: '?L#', names: 'SUN MON TUE WED THU FRI SAT' },
  { name: 'year', min: 1970, max: 2199, special: '' },
] as const;

/** One value of a cron field: a number in bounds or a name (months, days of the week). */
function cronValue(spec: (typeof cronFieldSpecs)[number], text: string): boolean {
  if (/^\d+$/.test(text)) return Number(text) >= spec.min && Number(text) <= spec.max;
  return 'names' in spec && spec.names.split(' ').includes(text.toUpperCase());
}

/** One comma-separated item of a cron field, by EventBridge Scheduler's table of wildcards. */
function cronItem(spec: (typeof cronFieldSpecs)[number], item: string): boolean {
  if (item === '*') return true;
  if (item === '?' || item === 'L') return spec.special.includes(item);
  if (spec.special.includes('W') && (item === 'LW' || /^\d+W$/.test(item))) {
    return item === 'LW' || cronValue(spec, item.slice(0, -1));
  }
  if (spec.special.includes('#')) {
    const nth = /^(\w+)#([1-5])$/.exec(item);
    if (nth) return cronValue(spec, nth[1] as string);
    if (/^\w+L$/.test(item)) return cronValue(spec, item.slice(0, -1));
  }
  const [range, step, extra] = item.split('/');
  if (extra !== undefined || range === undefined) return false;
  if (step !== undefined && !(/^\d+$/.test(step) && Number(step) >= 1)) return false;
  if (range === '*') return step !== undefined;
  const [from, to, more] = range.split('-');
  if (more !== undefined || from === undefined || !cronValue(spec, from)) return false;
  return to === undefined || cronValue(spec, to);
}

/**
 * EventBridge Scheduler's cron: six fields (minutes hours day-of-month month day-of-week year),
 * one of day-of-month and day-of-week `?` (scheduler/latest/UserGuide/schedule-types, cron-based).
 * Given bare or as `cron(...)`; the value is the bare fields.
 */
export function checkCron(input: unknown): Check<string> {
  const expected =
    'must be an EventBridge Scheduler cron expression of six fields, minutes hours day-of-month month day-of-week year, such as "0 18 ? * MON-FRI *"';
  if (typeof input !== 'string') return { ok: false, message: `${expected}, got ${shown(input)}` };
  const bare = /^cron\((.*)\)$/.exec(input.trim())?.[1] ?? input;
  const fields = bare.trim().split(/\s+/);
  if (fields.length !== 6) return { ok: false, message: `${expected}, got ${shown(input)}` };
  for (const [i, spec] of cronFieldSpecs.entries()) {
    const text = fields[i] as string;
    if (!text.split(',').every((item) => item !== '' && cronItem(spec, item))) {
      return { ok: false, message: `${expected}; its ${spec.name} field "${text}" is not valid` };
    }
  }
  if ((fields[2] === '?') === (fields[4] === '?')) {
    return {
      ok: false,
      message: `${expected}; exactly one of day-of-month and day-of-week must be "?", got ${shown(input)}`,
    };
  }
  return { ok: true, value: fields.join(' ') };
}

/** An IANA time zone name (EventBridge Scheduler's ScheduleExpressionTimezone), as Intl knows them. */
export function checkTimeZone(input: unknown): Check<string> {
  const message = `must be an IANA time zone name such as "America/New_York" or "UTC", got ${shown(input)}`;
  if (typeof input !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(input)) {
    return { ok: false, message };
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: input });
    return { ok: true, value: input };
  } catch {
    return { ok: false, message };
  }
}
