import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { buildPod, buildService, LAUNCH_SCRIPT, specHash } from "./pod.ts";
import { podName, serviceEndpoint, serviceName } from "./names.ts";

function server(spec: Partial<MCPServer["spec"]> = {}): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "everything", namespace: "team", uid: "u-1", generation: 1 },
    spec: { image: "node:22-alpine", pool: "default", ...spec },
  };
}

const opts = {
  gatewayImage: "ghcr.io/nwrx/nmcp:dev",
  entrypoint: { command: ["npx"], args: ["x"] },
};

Deno.test("buildPod() wires a stdio server through the launcher and the gateway sidecar", () => {
  const pod = buildPod(server(), opts);
  const [launcher, gateway] = pod.spec.initContainers!;
  assert.equal(launcher.image, "busybox:1.37");
  assert.deepEqual(launcher.command, [
    "/bin/busybox",
    "sh",
    "-c",
    "mkdir -p /nmcp/bin && cp /bin/busybox /nmcp/bin/busybox",
  ]);
  assert.equal(gateway.restartPolicy, "Always");
  assert.deepEqual(gateway.command?.slice(0, 5), [
    "nmcp-gateway",
    "--fifo",
    "/nmcp",
    "--port",
    "8080",
  ]);
  assert.match(
    gateway.command![5],
    /^--allowed-hosts=localhost,127\.0\.0\.1,\[::1\],\$\(POD_IP\),mcp-everything,/,
  );
  assert.deepEqual(gateway.command!.slice(6), ["--token-file", "/var/run/nmcp/token/token"]);
  assert.deepEqual(gateway.volumeMounts, [
    { name: "nmcp", mountPath: "/nmcp" },
    { name: "gateway-token", mountPath: "/var/run/nmcp/token", readOnly: true },
  ]);
  assert.deepEqual(gateway.ports, [{ name: "mcp", containerPort: 8080, protocol: "TCP" }]);
  assert.deepEqual(gateway.readinessProbe?.httpGet, { path: "/readyz", port: 8080 });
  assert.deepEqual(
    (gateway.env as { name: string }[]).find((e) => e.name === "DENO_V8_FLAGS"),
    { name: "DENO_V8_FLAGS", value: "--max-semi-space-size=1" },
    "the sidecar's young generation is small",
  );
  assert.deepEqual(gateway.resources?.limits, { memory: "128Mi" });
  const mcp = pod.spec.containers[0];
  assert.deepEqual(mcp.command, [
    "/nmcp/bin/busybox",
    "sh",
    "-c",
    LAUNCH_SCRIPT,
    "nmcp-launch",
    "npx",
    "x",
  ]);
  assert.equal(mcp.args, undefined);
  assert.deepEqual(mcp.env, [{ name: "HOME", value: "/home/nmcp" }]);
  assert.deepEqual(mcp.volumeMounts, [
    { name: "nmcp", mountPath: "/nmcp" },
    { name: "home", mountPath: "/home/nmcp" },
  ]);
  assert.deepEqual(pod.spec.volumes, [
    { name: "nmcp", emptyDir: {} },
    { name: "home", emptyDir: { sizeLimit: "1Gi" } },
    { name: "gateway-token", secret: { secretName: "mcp-everything-token", defaultMode: 0o444 } },
  ]);
  assert.equal(pod.spec.serviceAccountName, undefined, "the namespace's default ServiceAccount");
  assert.equal(pod.spec.automountServiceAccountToken, false);
  assert.deepEqual(pod.metadata.ownerReferences, [{
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    name: "everything",
    uid: "u-1",
    controller: true,
    blockOwnerDeletion: true,
  }]);
  assert.equal(pod.metadata.labels!["nmcp.nwrx.io/server"], "everything");
  assert.equal(pod.metadata.annotations!["nmcp.nwrx.io/spec-hash"], specHash(server(), opts));
});

Deno.test("buildPod() proxies HTTP servers without launcher or FIFOs", () => {
  const s = server({
    command: ["node", "srv.js"],
    args: ["--http"],
    transport: { type: "streamable-http", port: 3001 },
  });
  const pod = buildPod(s, { gatewayImage: "gw" });
  assert.equal(pod.spec.initContainers!.length, 1);
  assert.deepEqual(pod.spec.initContainers![0].command?.slice(0, 5), [
    "nmcp-gateway",
    "--http",
    "http://127.0.0.1:3001/mcp",
    "--port",
    "8080",
  ]);
  assert.deepEqual(pod.spec.containers[0].command, ["node", "srv.js"]);
  assert.deepEqual(pod.spec.containers[0].args, ["--http"]);
  assert.deepEqual(pod.spec.volumes!.map((v) => v.name), ["home", "gateway-token"]);
  const sse = buildPod(server({ transport: { type: "sse", port: 9 } }), { gatewayImage: "gw" });
  assert.equal(sse.spec.initContainers![0].command![2], "http://127.0.0.1:9/sse");
});

Deno.test("buildPod() refuses a stdio server without entrypoint", () => {
  assert.throws(() => buildPod(server(), { gatewayImage: "gw" }), /entrypoint unknown/);
});

Deno.test("specHash() changes with the pod-shaping spec only", () => {
  const a = specHash(server(), opts);
  assert.equal(specHash(server({ idleTimeout: 5 }), opts), a);
  assert.notEqual(specHash(server({ image: "node:23" }), opts), a);
  assert.notEqual(specHash(server(), { ...opts, gatewayImage: "gw:2" }), a);
});

Deno.test("buildPod() takes resources from the pool when the server sets none", () => {
  const pool = {
    apiVersion: "nmcp.nwrx.io/v1" as const,
    kind: "MCPPool" as const,
    metadata: { name: "default" },
    spec: { defaultResources: { limits: { memory: "1Gi" } } },
  };
  const pod = buildPod(server(), { ...opts, pool });
  assert.deepEqual(pod.spec.containers[0].resources, { limits: { memory: "1Gi" } });
  const own = buildPod(server({ resources: { requests: { cpu: "1" } } }), { ...opts, pool });
  assert.deepEqual(own.spec.containers[0].resources, { requests: { cpu: "1" } });
  assert.deepEqual(buildPod(server(), opts).spec.containers[0].resources, {
    requests: { cpu: "50m", memory: "64Mi" },
    limits: { memory: "512Mi" },
  }, "a default when neither sets any");
  for (const c of buildPod(server(), opts).spec.initContainers!) {
    assert.ok(c.resources?.requests && c.resources.limits, `${c.name} has requests and limits`);
  }
});

Deno.test("buildPod() runs every container non-root, without privileges, seccomp RuntimeDefault", () => {
  const pod = buildPod(server(), opts);
  assert.deepEqual(pod.spec.securityContext, {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    fsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
  });
  const [launcher, gateway] = pod.spec.initContainers!;
  const locked = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };
  assert.deepEqual(launcher.securityContext, locked);
  assert.deepEqual(pod.spec.containers[0].securityContext, locked);
  assert.deepEqual(gateway.securityContext, { ...locked, readOnlyRootFilesystem: true });
});

Deno.test("buildPod() applies securityContext overrides; root keeps nmcp's own containers at 65532", () => {
  const uid = buildPod(
    server({ securityContext: { runAsUser: 1000, supplementalGroups: [5] } }),
    opts,
  );
  assert.deepEqual(uid.spec.securityContext, {
    runAsNonRoot: true,
    runAsUser: 1000,
    runAsGroup: 65532,
    fsGroup: 65532,
    supplementalGroups: [5],
    seccompProfile: { type: "RuntimeDefault" },
  });
  const root = buildPod(server({ securityContext: { runAsNonRoot: false, runAsUser: 0 } }), opts);
  assert.deepEqual(root.spec.securityContext, {
    runAsNonRoot: false,
    runAsUser: 0,
    fsGroup: 65532,
    seccompProfile: { type: "RuntimeDefault" },
  });
  for (const c of root.spec.initContainers!) {
    assert.equal(c.securityContext?.runAsUser, 65532, c.name);
    assert.equal(c.securityContext?.runAsNonRoot, true, c.name);
  }
  assert.equal(root.spec.containers[0].securityContext?.runAsUser, undefined);
  const image = buildPod(server({ securityContext: { runAsNonRoot: false } }), opts);
  assert.equal(image.spec.securityContext?.runAsUser, undefined, "the image's own user runs");
});

Deno.test("buildPod() passes spec.tools to the gateway as compact JSON; a new policy rolls the pod", () => {
  const tools = { allow: ["read_*"], rules: [{ expression: '"a" in caller.groups' }] };
  const pod = buildPod(server({ tools }), opts);
  const args = pod.spec.initContainers![1].command!;
  const i = args.indexOf("--tools-policy");
  assert.equal(
    args[i + 1],
    '{"allow":["read_*"],"rules":[{"expression":"\\"a\\" in caller.groups"}]}',
  );
  assert.notEqual(specHash(server({ tools }), opts), specHash(server(), opts));
  assert.equal(
    specHash(server({ network: { dns: false } }), opts),
    specHash(server(), opts),
    "network shapes the NetworkPolicy, not the pod",
  );
});

Deno.test("buildPod() keeps a HOME the server sets itself", () => {
  const pod = buildPod(server({ env: [{ name: "HOME", value: "/data" }] }), opts);
  assert.deepEqual(pod.spec.containers[0].env, [{ name: "HOME", value: "/data" }]);
});

Deno.test("buildService() maps port 80 to the gateway and names the endpoint", () => {
  const svc = buildService(server());
  assert.equal(svc.metadata.name, "mcp-everything");
  assert.deepEqual(svc.spec.ports, [{
    name: "http",
    port: 80,
    targetPort: "mcp",
    protocol: "TCP",
  }]);
  assert.equal(serviceEndpoint("everything", "team"), "http://mcp-everything.team.svc:80/mcp");
});

Deno.test("names stay within 63 characters and stay distinct", () => {
  const long = "a".repeat(80);
  assert.ok(serviceName(long).length <= 63);
  assert.ok(podName(long, "0123456789").length <= 63);
  assert.notEqual(serviceName(long), serviceName(long + "b"));
});

Deno.test("buildPod() gives the gateway the tracing variables; the hash moves only when they are set", () => {
  const gatewayEnv = [{ name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", value: "http://c/v1/traces" }];
  const traced = buildPod(server(), { ...opts, gatewayEnv });
  const gateway = traced.spec.initContainers!.find((c) => c.name === "nmcp-gateway")!;
  assert.deepEqual(gateway.env?.at(-1), gatewayEnv[0]);
  const plain = buildPod(server(), opts);
  const names = (p: typeof plain) =>
    (p.spec.initContainers![1].env as { name: string }[]).map((e) => e.name);
  assert.deepEqual(names(plain), ["POD_IP", "DENO_V8_FLAGS"]);
  assert.equal(specHash(server(), { ...opts, gatewayEnv: [] }), specHash(server(), opts));
  assert.notEqual(specHash(server(), { ...opts, gatewayEnv }), specHash(server(), opts));
});
