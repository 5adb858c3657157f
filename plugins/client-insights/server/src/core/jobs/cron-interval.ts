// node-cron's own expander (the one its scheduler matches with): `*/20 9-17 * * *` → six fields of
// plain comma-separated numbers, seconds first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const expand = require('node-cron/src/convert-expression') as (expression: string) => string;

const DAY = 86_400;

/**
 * The shortest time, in seconds, between two runs of a valid cron expression (five or six
 * fields), from its seconds, minutes and hours. Conservative: the gap from the last run of a day
 * to the first of the next counts even when the day fields skip that next day.
 */
export const shortestIntervalSeconds = (expression: string): number => {
  const [seconds, minutes, hours] = expand(expression)
    .split(' ')
    .slice(0, 3)
    .map((field) => field.split(',').map(Number));
  const times: number[] = [];
  for (const h of hours) for (const m of minutes) for (const s of seconds) times.push(h * 3600 + m * 60 + s);
  times.sort((a, b) => a - b);
  let shortest = times[0] + DAY - times[times.length - 1];
  for (let i = 1; i < times.length; i += 1) shortest = Math.min(shortest, times[i] - times[i - 1]);
  return shortest;
};

/** Why a schedule runs too often for `minMinutes`, or null. */
export const tooFrequent = (expression: string, minMinutes: number): string | null => {
  const seconds = shortestIntervalSeconds(expression);
  if (seconds >= minMinutes * 60) return null;
  const every = seconds < 60 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
  return `"${expression}" runs every ${every}; schedules may run at most every ${minMinutes} minutes`;
};
