/**
 * Durations of the API (`idleTimeout`, `defaultIdleTimeout`): a whole number of seconds or a
 * Kubernetes-style duration string (`60s`, `5m`, `1h30m`, `500ms`; Go's `time.ParseDuration`
 * with the units h, m, s and ms). The schema and this parser share one grammar, so what the API
 * server admits is exactly what the operator, the plugin and the management API read.
 *
 * @module
 */

import { intOrString, type Schema } from "./schema.ts";

/** A duration as written in a spec: whole seconds, or a string such as `1h30m`. */
export type Duration = number | string;

/** The grammar of a duration string (RE2 and JavaScript alike). */
export const DURATION_PATTERN = "^(0|([0-9]+([.][0-9]+)?(ms|h|m|s))+)$";

const DURATION_RE = new RegExp(DURATION_PATTERN);
const PART_RE = /([0-9]+(?:[.][0-9]+)?)(ms|h|m|s)/g;
const UNIT_SECONDS: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };

/** The message of a duration the schema rejects. */
export const DURATION_MESSAGE =
  "must be a whole number of seconds or a duration such as 60s, 5m or 1h30m (units h, m, s, ms)";

/**
 * The schema of a duration field: int-or-string, with a CEL rule (not a `pattern`, whose
 * failure would hide the rule's readable message) and a length bound for its cost.
 */
export function duration(opts: { description: string; default?: Duration }): Schema<Duration> {
  return intOrString({
    description: opts.description,
    default: opts.default,
    maxLength: 64,
    validations: [{
      rule: `type(self) == int ? self >= 0 : self.matches('${DURATION_PATTERN}')`,
      message: DURATION_MESSAGE,
    }],
  });
}

/** Seconds of a duration (fractions kept); throws on a value the schema would reject. */
export function parseDuration(value: Duration): number {
  if (typeof value === "number") {
    if (Number.isInteger(value) && value >= 0) return value;
  } else if (value.length <= 64 && DURATION_RE.test(value)) {
    let total = 0;
    for (const [, n, unit] of value.matchAll(PART_RE)) total += Number(n) * UNIT_SECONDS[unit];
    return Math.round(total * 1000) / 1000;
  }
  throw new RangeError(`Cannot parse duration "${value}": ${DURATION_MESSAGE}`);
}

/** Seconds of an optional duration, or `fallback` when it is unset. */
export function durationOr(value: Duration | undefined, fallback: number): number {
  return value === undefined ? fallback : parseDuration(value);
}

/** A duration in seconds written the short way: `1h30m`, `1m`, `45s`, `0s`, `1.5s`. */
export function formatDuration(seconds: number): string {
  if (seconds === 0) return "0s";
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.round((seconds % 60) * 1000) / 1000;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}`;
}
