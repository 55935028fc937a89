import assert from "node:assert/strict";
import { referencedObjects, resolveEnv } from "./env.ts";
import type { Container, Pod } from "./types.ts";

function pod(c: Container): Pod {
  return {
    metadata: { name: "p", namespace: "ns", uid: "u1", labels: { app: "a" } },
    spec: { containers: [c], volumes: [{ name: "v", secret: { secretName: "s2" } }] },
  };
}

const objs = {
  configMaps: new Map([["cm", { A: "1", "bad key": "x" }], ["gone", null]]),
  secrets: new Map([["s", { TOKEN: "t" }]]),
};

Deno.test("resolveEnv() layers image env, envFrom with prefix, env with $(VAR) and refs", () => {
  const c: Container = {
    name: "c",
    image: "i",
    envFrom: [{ configMapRef: { name: "cm" }, prefix: "CM_" }, { secretRef: { name: "s" } }],
    env: [
      { name: "X", value: "$(CM_A)-$(BASE)-$(NOPE)" },
      { name: "K", valueFrom: { secretKeyRef: { name: "s", key: "TOKEN" } } },
      { name: "N", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "L", valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: "O", valueFrom: { configMapKeyRef: { name: "gone", key: "k", optional: true } } },
    ],
  };
  const r = resolveEnv(pod(c), c, objs, { base: { BASE: "b" }, fields: { podIP: "127.0.1.2" } });
  assert.deepEqual(r, {
    ok: true,
    env: {
      BASE: "b",
      CM_A: "1",
      TOKEN: "t",
      X: "1-b-$(NOPE)",
      K: "t",
      N: "p",
      IP: "127.0.1.2",
      L: "a",
    },
  });
});

Deno.test("resolveEnv() fails like the kubelet on a missing object or key", () => {
  const missingKey: Container = {
    name: "c",
    image: "i",
    env: [{ name: "K", valueFrom: { configMapKeyRef: { name: "cm", key: "B" } } }],
  };
  assert.deepEqual(resolveEnv(pod(missingKey), missingKey, objs), {
    ok: false,
    message: "couldn't find key B in ConfigMap ns/cm",
  });
  const missingObj: Container = { name: "c", image: "i", envFrom: [{ secretRef: { name: "x" } }] };
  assert.deepEqual(resolveEnv(pod(missingObj), missingObj, objs), {
    ok: false,
    message: 'secret "x" not found',
  });
});

Deno.test("referencedObjects() lists configMaps and secrets of env, envFrom and volumes", () => {
  const c: Container = {
    name: "c",
    image: "i",
    envFrom: [{ configMapRef: { name: "cm" } }],
    env: [{ name: "K", valueFrom: { secretKeyRef: { name: "s", key: "k" } } }],
  };
  const refs = referencedObjects(pod(c));
  assert.deepEqual([...refs.configMaps], ["cm"]);
  assert.deepEqual([...refs.secrets].sort(), ["s", "s2"]);
});
