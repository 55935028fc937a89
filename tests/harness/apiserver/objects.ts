/**
 * Metadata helpers: timestamps, generated names, name validation, spec comparison.
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import { invalidCause, type StatusCause } from "./status.ts";

/** An RFC 3339 timestamp with second precision (`2026-01-02T03:04:05Z`). */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** An RFC 3339 timestamp with microseconds (a MicroTime). */
export function microTime(d: Date): string {
  return d.toISOString().replace(/Z$/, "000Z");
}

const ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/** Five random characters from Kubernetes' safe alphabet (for generateName). */
export function randomSuffix(n = 5): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return [...bytes].map((b) => ALPHABET[b % ALPHABET.length]).join("");
}

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Validates metadata.name: a DNS-1123 label for namespaces and services, else a subdomain. */
export function nameCauses(name: string, label: boolean): StatusCause[] {
  if (label && (!LABEL.test(name) || name.length > 63)) {
    return [invalidCause(
      "metadata.name",
      name,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    )];
  }
  if (!label && (!SUBDOMAIN.test(name) || name.length > 253)) {
    return [invalidCause(
      "metadata.name",
      name,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    )];
  }
  return [];
}

/** Validates an RBAC object's name: any path segment (`system:node` is fine), as Kubernetes. */
export function pathSegmentNameCauses(name: string): StatusCause[] {
  const bad = name === "." || name === ".."
    ? `may not be '${name}'`
    : ["/", "%"].filter((c) => name.includes(c)).map((c) => `may not contain '${c}'`)[0];
  return bad ? [invalidCause("metadata.name", name, bad)] : [];
}

/** Whether anything but metadata and status differs (a generation bump). */
export function specChanged(a: Obj, b: Obj): boolean {
  const strip = (o: Obj) => {
    const { metadata: _m, status: _s, ...rest } = o;
    return JSON.stringify(sortKeys(rest));
  };
  return strip(a) !== strip(b);
}

/** A copy with object keys sorted, for order-insensitive comparison. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isObj(v)) return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
}

/** Whether two JSON values are equal regardless of key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}

/** The metadata of an object (created when absent). */
export function meta(o: Obj): Obj {
  if (!isObj(o.metadata)) o.metadata = {};
  return o.metadata as Obj;
}
