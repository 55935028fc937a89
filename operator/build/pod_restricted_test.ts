/** Every pod the operator builds meets the "restricted" Pod Security Standard. */
import assert from "node:assert/strict";
import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import { buildPod, type PodOptions } from "./pod.ts";
import { restrictedViolations } from "./pod_security_standard.ts";

function server(spec: Partial<MCPServer["spec"]>): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team", uid: "u-1" },
    spec: { image: "mcp/x", ...spec },
  };
}

const pool: MCPPool = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPPool",
  metadata: { name: "default", namespace: "team" },
  spec: { defaultResources: { limits: { memory: "2Gi" } } },
};
const base: PodOptions = { gatewayImage: "gw", entrypoint: { command: ["srv"], args: [] } };

const PODS: [string, Partial<MCPServer["spec"]>, Partial<PodOptions>][] = [
  ["stdio", {}, {}],
  ["streamable-http", { transport: { type: "streamable-http", port: 3000 } }, {}],
  ["sse", { transport: { type: "sse", port: 3000, path: "/events" } }, {}],
  ["stdio with pool resources and a ServiceAccount", {}, { pool, serviceAccountName: "sa" }],
  ["stdio with another uid, gid, fsGroup and groups", {
    securityContext: { runAsUser: 1000, runAsGroup: 1000, fsGroup: 2000, supplementalGroups: [3] },
  }, {}],
  ["http with an explicit non-root override", {
    transport: { type: "streamable-http", port: 8000 },
    securityContext: { runAsNonRoot: true, runAsUser: 10001 },
  }, {}],
  ["stdio with env, pull secrets, tools and network", {
    env: [{ name: "HOME", value: "/data" }, { name: "A", value: "1" }],
    envFrom: [{ secretRef: { name: "creds" } }],
    imagePullSecrets: [{ name: "pull" }],
    tools: { allow: ["read_*"], deny: ["read_secret"] },
    network: { egress: [{ cidr: "10.0.0.0/8" }] },
    resources: { requests: { cpu: "1" }, limits: { memory: "1Gi" } },
  }, { launcherImage: "busybox:1.36", gatewayLogLevel: "debug" }],
  ["virtual (gateway only)", { image: undefined, toolSelector: { matchLabels: { a: "b" } } }, {}],
  ["stdio with declared tools", { toolSelector: { matchLabels: { a: "b" } } }, {}],
  ["stdio with tracing on", {}, {
    gatewayEnv: [{ name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", value: "http://c:4318/v1/traces" }],
  }],
];

for (const [name, spec, opts] of PODS) {
  Deno.test(`buildPod() meets the restricted Pod Security Standard: ${name}`, () => {
    const pod = buildPod(server(spec), { ...base, ...opts });
    assert.deepEqual(restrictedViolations(pod), []);
  });
}

Deno.test("buildPod() of a root override breaks only the MCP container's runAsNonRoot/runAsUser", () => {
  const pod = buildPod(server({ securityContext: { runAsNonRoot: false, runAsUser: 0 } }), base);
  assert.deepEqual(restrictedViolations(pod), [
    { rule: "runAsNonRoot", field: "spec.containers[0].securityContext.runAsNonRoot" },
    { rule: "runAsNonRoot", field: "spec.securityContext.runAsNonRoot" },
    { rule: "runAsUser", field: "spec.securityContext.runAsUser" },
  ]);
});
