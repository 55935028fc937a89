/**
 * Label and field selectors: parsing the query-string forms and matching objects.
 *
 * @module
 */

import { badRequest } from "./status.ts";

/** One selector requirement. */
export interface Requirement {
  key: string;
  op: "exists" | "notexists" | "=" | "!=" | "in" | "notin";
  values: string[];
}

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0, cur = "";
  for (const ch of s) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (ch === "," && depth === 0) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((p) => p.trim()).filter((p) => p !== "");
}

const SET_RE = /^([^\s!=()]+)\s+(in|notin)\s*\(([^)]*)\)$/;
const EQ_RE = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s=!]*)$/;

/** Parses a label selector (`a=b,c!=d,e in (x,y),!f,g`). Throws 400 on bad syntax. */
export function parseLabelSelector(s: string): Requirement[] {
  return splitTop(s).map((part) => {
    let m = SET_RE.exec(part);
    if (m) {
      const values = m[3].split(",").map((v) => v.trim()).filter((v) => v !== "");
      return { key: m[1], op: m[2] as "in" | "notin", values };
    }
    m = EQ_RE.exec(part);
    if (m) return { key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] };
    if (/^![^\s!=(),]+$/.test(part)) return { key: part.slice(1), op: "notexists", values: [] };
    if (/^[^\s!=(),]+$/.test(part)) return { key: part, op: "exists", values: [] };
    throw badRequest(`unable to parse requirement: invalid label selector "${s}"`);
  });
}

/** Parses a field selector (`a=b,c!=d`). Throws 400 on bad syntax. */
export function parseFieldSelector(s: string): Requirement[] {
  return splitTop(s).map((part) => {
    const m = EQ_RE.exec(part);
    if (!m) throw badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    return { key: m[1], op: m[2] === "!=" ? "!=" : "=", values: [m[3]] };
  });
}

/** Whether a value satisfies one requirement (undefined = the key is absent). */
function matchOne(r: Requirement, v: string | undefined): boolean {
  switch (r.op) {
    case "exists":
      return v !== undefined;
    case "notexists":
      return v === undefined;
    case "=":
      return v !== undefined && v === r.values[0];
    case "!=":
      return v === undefined || v !== r.values[0];
    case "in":
      return v !== undefined && r.values.includes(v);
    case "notin":
      return v === undefined || !r.values.includes(v);
  }
}

/** Whether labels satisfy every requirement. */
export function matchLabels(reqs: Requirement[], labels: Record<string, string> | undefined) {
  return reqs.every((r) => matchOne(r, labels?.[r.key]));
}

/** Reads a dotted field path (`status.phase`) as the string a field selector compares. */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const p of path.split(".")) {
    if (cur === null || typeof cur !== "object") return "";
    cur = (cur as Record<string, unknown>)[p];
  }
  if (cur === undefined || cur === null) return "";
  return typeof cur === "object" ? JSON.stringify(cur) : String(cur);
}

/** Whether an object satisfies a field selector (missing fields read as ""). */
export function matchFields(reqs: Requirement[], obj: unknown): boolean {
  return reqs.every((r) => matchOne(r, fieldValue(obj, r.key)));
}

/** A metav1.LabelSelector object (`matchLabels` and `matchExpressions`). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** Converts a LabelSelector object to requirements (an empty selector matches everything). */
export function selectorObjectToRequirements(sel: LabelSelectorObject): Requirement[] {
  const reqs: Requirement[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) {
    reqs.push({ key, op: "=", values: [value] });
  }
  for (const e of sel.matchExpressions ?? []) {
    const op = ({ In: "in", NotIn: "notin", Exists: "exists", DoesNotExist: "notexists" } as const)[
      e.operator as "In"
    ];
    if (op) reqs.push({ key: e.key, op, values: e.values ?? [] });
  }
  return reqs;
}
