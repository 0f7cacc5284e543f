/**
 * Cron schedules checked as Kubernetes parses them (robfig/cron's standard parser, which the
 * CronJob validation uses): five fields or a macro, every value in its field's range.
 */

const CRON_MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Throws, naming the field, the value and the fix, unless the apiserver would accept the schedule and it can run. */
export function checkSchedule(schedule: string): void {
  const trimmed = schedule.trim();
  if (CRON_MACROS.has(trimmed)) return;
  if (/^(CRON_)?TZ=/.test(trimmed)) {
    throw new Error(`schedule '${schedule}' sets the time zone inside the schedule, which Kubernetes rejects: remove the TZ= prefix and use timeZone instead`);
  }
  const fields = trimmed.split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(`schedule '${schedule}' has ${fields.length} field(s), not 5: use 'minute hour day-of-month month day-of-week' (e.g. '30 2 * * *') or a macro such as '@daily'`);
  }
  const values = CRON_FIELDS.map((field, i) => cronFieldValues(schedule, field, fields[i]));
  const [, , days, months, weekdays] = values;
  if (weekdays === undefined && days !== undefined && months !== undefined) {
    const longest = Math.max(...[...months].map((m) => DAYS_IN_MONTH[m - 1]));
    if (Math.min(...days) > longest) {
      throw new Error(`schedule '${schedule}' never runs: day ${Math.min(...days)} does not occur in month(s) ${fields[3]}; use a day that exists in those months`);
    }
  }
}

/** A cron field as Kubernetes parses it (robfig/cron standard syntax). */
interface CronField {
  readonly name: string;
  readonly min: number;
  readonly max: number;
  readonly names?: string[];
}

const CRON_FIELDS: CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day of week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The values a field selects; undefined for '*' or '?' without a step (every value). Throws on anything Kubernetes rejects. */
function cronFieldValues(schedule: string, field: CronField, text: string): Set<number> | undefined {
  const range = `${field.min}-${field.max}${field.names ? ` or ${field.names[0].toUpperCase()}-${field.names[field.names.length - 1].toUpperCase()}` : ''}`;
  const fail = (detail: string): never => {
    throw new Error(`schedule '${schedule}': ${field.name} '${text}' ${detail}; use values ${range}, '*', ranges 'a-b', lists 'a,b' and steps '/n' (e.g. '30 2 * * *')`);
  };
  const value = (token: string): number => {
    const byName = field.names?.indexOf(token.toLowerCase()) ?? -1;
    if (byName >= 0) return field.min + byName;
    if (!/^[0-9]+$/.test(token)) fail(`has '${token}', which is not a number${field.names ? ' or a name' : ''}`);
    const n = Number(token);
    if (n < field.min || n > field.max) fail(`has ${n}, out of range`);
    return n;
  };
  if (text === '*' || text === '?') return undefined;
  const selected = new Set<number>();
  for (const part of text.split(',')) {
    const [span, step, extra] = part.split('/');
    if (extra !== undefined || span === '') fail(`is malformed at '${part}'`);
    let stepSize = 1;
    if (step !== undefined) {
      if (!/^[0-9]+$/.test(step) || Number(step) < 1) fail(`has step '${step}', which is not a positive whole number`);
      stepSize = Number(step);
    }
    let low: number;
    let high: number;
    if (span === '*' || span === '?') {
      [low, high] = [field.min, field.max];
    } else {
      const bounds = span.split('-');
      if (bounds.length > 2 || bounds.some((b) => b === '')) fail(`is malformed at '${part}'`);
      low = value(bounds[0]);
      high = bounds.length === 2 ? value(bounds[1]) : (step !== undefined ? field.max : low);
      if (low > high) fail(`has the range ${span}, whose start is after its end`);
    }
    for (let v = low; v <= high; v += stepSize) selected.add(v);
  }
  return selected;
}
