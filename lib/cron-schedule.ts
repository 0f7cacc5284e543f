/**
 * Cron schedules checked as Kubernetes parses them (robfig/cron's standard parser, which the
 * CronJob validation uses): five fields, a descriptor such as `@daily`, or `@every <duration>`,
 * every value in its field's range.
 */

const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];
const EVERY = '@every ';

/** Throws, naming the field, the value and the fix, unless the apiserver would accept the schedule and it can run. */
export function checkSchedule(schedule: string): void {
  const trimmed = schedule.trim();
  if (CRON_MACROS.includes(schedule)) return;
  if (/^(CRON_)?TZ=/.test(trimmed)) {
    throw new Error(`schedule '${schedule}' sets the time zone inside the schedule, which Kubernetes rejects: remove the TZ= prefix and use timeZone instead`);
  }
  if (trimmed === EVERY.trim()) throw new Error(`schedule '${schedule}' names no interval: write '@every <duration>', e.g. '@every 1h30m'`);
  // robfig/cron reads a descriptor exactly as written, so spaces around it are an error, not trimmed.
  if (trimmed.startsWith('@') && trimmed !== schedule) {
    throw new Error(`schedule '${schedule}' has spaces around '${trimmed}', which Kubernetes rejects: remove them`);
  }
  if (schedule.startsWith(EVERY)) return checkEvery(schedule, schedule.slice(EVERY.length));
  if (schedule.startsWith('@')) {
    throw new Error(`schedule '${schedule}' is not a descriptor Kubernetes knows: use one of ${CRON_MACROS.join(', ')}, '@every <duration>' (e.g. '@every 1h30m') or five fields such as '30 2 * * *'`);
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

/** Nanoseconds per unit of a Go duration (time.ParseDuration). */
const DURATION_UNITS: { [unit: string]: number } = { 'ns': 1, 'us': 1e3, 'µs': 1e3, 'μs': 1e3, 'ms': 1e6, 's': 1e9, 'm': 60e9, 'h': 3600e9 };
const MAX_DURATION_NANOS = 9223372036854775807;

/**
 * `@every <duration>`: robfig/cron reads the rest with Go's time.ParseDuration, then runs at least
 * every second and drops fractions of a second. Beyond what the apiserver checks, a duration that
 * would silently become something else (below a second, or with a fraction of one) is an error.
 */
function checkEvery(schedule: string, text: string): void {
  const fix = "write a number with a unit (ns, us, ms, s, m, h), e.g. '@every 1h30m' or '@every 90s'";
  const fail = (reason: string): never => {
    throw new Error(`schedule '${schedule}': '${text}' is not a duration (${reason}): ${fix}`);
  };
  const match = /^([-+]?)(.*)$/.exec(text)!;
  const negative = match[1] === '-';
  let rest = match[2];
  if (rest === '0') rest = '0s';
  if (rest === '') fail('it is empty');
  let nanos = 0;
  while (rest !== '') {
    const part = /^([0-9]*)(\.[0-9]*)?([^0-9.]*)/.exec(rest)!;
    const [whole, integer, fraction = '', unit] = part;
    if (integer === '' && fraction.length <= 1) fail(`'${rest}' does not start with a number`);
    if (unit === '') fail(`missing unit after '${integer}${fraction}'`);
    const scale = DURATION_UNITS[unit];
    if (scale === undefined) fail(`unknown unit '${unit}'`);
    nanos += Math.round(Number(`${integer || '0'}${fraction.length > 1 ? fraction : ''}`) * scale);
    rest = rest.slice(whole.length);
  }
  if (nanos > MAX_DURATION_NANOS) fail('longer than Go durations reach, about 292 years');
  if (negative && nanos > 0) {
    throw new Error(`schedule '${schedule}' has a negative interval, which Kubernetes runs every second: use a positive duration, e.g. '@every 1h'`);
  }
  if (nanos < 1e9) {
    throw new Error(`schedule '${schedule}' has an interval below one second, which Kubernetes runs every second: use at least '@every 1s'`);
  }
  if (nanos % 1e9 !== 0) {
    throw new Error(`schedule '${schedule}' has an interval with a fraction of a second, which Kubernetes drops: use whole seconds, e.g. '@every ${Math.floor(nanos / 1e9)}s'`);
  }
}
