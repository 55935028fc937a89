import assert from "node:assert/strict";
import { decodeK8sProtobuf } from "./protobuf.ts";

type Part = Uint8Array | string | Part[];
const te = new TextEncoder();

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  return [...out, n];
}

function bytes(p: Part): Uint8Array {
  if (typeof p === "string") return te.encode(p);
  if (p instanceof Uint8Array) return p;
  const parts = p.map(bytes);
  const out = new Uint8Array(parts.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of parts) out.set(b, (at += b.length) - b.length);
  return out;
}

/** A length-delimited field (strings, messages, map entries). */
const f = (num: number, ...value: Part[]): Uint8Array => {
  const b = bytes(value);
  return bytes([Uint8Array.from([...varint((num << 3) | 2), ...varint(b.length)]), b]);
};

const envelope = (apiVersion: string, kind: string, raw: Uint8Array) =>
  bytes([Uint8Array.from([0x6b, 0x38, 0x73, 0]), f(1, f(1, apiVersion), f(2, kind)), f(2, raw)]);

Deno.test("decodeK8sProtobuf() reads a SubjectAccessReview with groups, uid and extra", () => {
  const raw = bytes([
    f(1, f(1, "")),
    f(2, [
      f(
        1,
        f(1, "dev"),
        f(2, "get"),
        f(3, "nmcp.nwrx.io"),
        f(5, "mcpservers"),
        f(6, "connect"),
        f(7, "s1"),
      ),
      f(3, "system:serviceaccount:dev:bar"),
      f(4, "system:serviceaccounts"),
      f(4, "system:authenticated"),
      f(5, f(1, "scopes"), f(2, f(1, "a"), f(1, "b"))),
      f(6, "uid-1"),
    ]),
  ]);
  assert.deepEqual(
    decodeK8sProtobuf(envelope("authorization.k8s.io/v1", "SubjectAccessReview", raw)),
    {
      apiVersion: "authorization.k8s.io/v1",
      kind: "SubjectAccessReview",
      metadata: {},
      spec: {
        resourceAttributes: {
          namespace: "dev",
          verb: "get",
          group: "nmcp.nwrx.io",
          resource: "mcpservers",
          subresource: "connect",
          name: "s1",
        },
        user: "system:serviceaccount:dev:bar",
        groups: ["system:serviceaccounts", "system:authenticated"],
        extra: { scopes: ["a", "b"] },
        uid: "uid-1",
      },
    },
  );
});

Deno.test("decodeK8sProtobuf() reads a ClusterRole's rules and aggregationRule expressions", () => {
  const raw = bytes([
    f(1, f(1, "agg")),
    f(2, f(1, "get"), f(2, ""), f(3, "pods"), f(4, "p"), f(5, "/healthz")),
    f(3, f(1, f(2, f(1, "team"), f(2, "In"), f(3, "a"), f(3, "b")))),
  ]);
  const role = decodeK8sProtobuf(envelope("rbac.authorization.k8s.io/v1", "ClusterRole", raw));
  assert.deepEqual(role.rules, [{
    verbs: ["get"],
    apiGroups: [""],
    resources: ["pods"],
    resourceNames: ["p"],
    nonResourceURLs: ["/healthz"],
  }]);
  assert.deepEqual(role.aggregationRule, {
    clusterRoleSelectors: [{
      matchExpressions: [{ key: "team", operator: "In", values: ["a", "b"] }],
    }],
  });
});
