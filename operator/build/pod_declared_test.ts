/** Pods of servers with a toolSelector: the declared mount and flags, virtual pods, the hash. */
import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { buildNetworkPolicy } from "./network_policy.ts";
import { buildPod, type PodOptions, specHash } from "./pod.ts";

const SELECTOR = { matchLabels: { "mcp-server": "main" } };
const server = (spec: MCPServer["spec"]): MCPServer => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name: "main", namespace: "team", uid: "u-1" },
  spec,
});
const opts: PodOptions = { gatewayImage: "gw", entrypoint: { command: ["srv"], args: [] } };
const MOUNT = { name: "declared", mountPath: "/etc/nmcp/declared", readOnly: true };
const VOLUME = { name: "declared", configMap: { name: "mcp-main-declared", defaultMode: 0o444 } };

Deno.test("buildPod() of a virtual server runs only the gateway, with the declared file", () => {
  const pod = buildPod(server({ toolSelector: SELECTOR }), opts);
  assert.equal(pod.spec.initContainers, undefined);
  assert.equal(pod.spec.containers.length, 1);
  const [gw] = pod.spec.containers;
  assert.equal(gw.name, "nmcp-gateway");
  assert.equal(gw.restartPolicy, undefined, "a regular container, not a sidecar");
  const args = gw.command!;
  assert.deepEqual(args.slice(1, 4), ["--virtual", "--server-name", "main"]);
  assert.ok(!args.includes("--fifo") && !args.includes("--http"));
  const at = args.indexOf("--declared-file");
  assert.equal(args[at + 1], "/etc/nmcp/declared/declared.json");
  assert.deepEqual(gw.volumeMounts?.find((m) => m.name === "declared"), MOUNT);
  assert.deepEqual(pod.spec.volumes!.map((v) => v.name), ["gateway-token", "declared"]);
  assert.deepEqual(pod.spec.volumes![1], VOLUME);
});

Deno.test("buildPod() of an image server with a toolSelector mounts the file in its sidecar", () => {
  const pod = buildPod(server({ image: "mcp/x", toolSelector: SELECTOR }), opts);
  const gw = pod.spec.initContainers!.find((c) => c.name === "nmcp-gateway")!;
  assert.equal(gw.restartPolicy, "Always");
  assert.ok(gw.command!.includes("--fifo"));
  assert.ok(!gw.command!.includes("--virtual"));
  assert.ok(gw.command!.includes("--declared-file"));
  assert.deepEqual(gw.volumeMounts?.find((m) => m.name === "declared"), MOUNT);
  assert.equal(pod.spec.containers[0].name, "mcp");
  assert.ok(!pod.spec.containers[0].volumeMounts?.some((m) => m.name === "declared"));
});

Deno.test("specHash() ignores what the toolSelector selects, not whether there is one", () => {
  const a = specHash(server({ toolSelector: SELECTOR }), opts);
  const b = specHash(server({ toolSelector: { matchLabels: { other: "x" } } }), opts);
  assert.equal(a, b);
  const image = specHash(server({ image: "mcp/x" }), opts);
  assert.notEqual(specHash(server({ image: "mcp/x", toolSelector: SELECTOR }), opts), image);
});

Deno.test("buildPod() of a server without a toolSelector has no declared mount or flag", () => {
  const pod = buildPod(server({ image: "mcp/x" }), opts);
  const all = [...pod.spec.initContainers ?? [], ...pod.spec.containers];
  assert.ok(!all.some((c) => c.command?.includes("--declared-file")));
  assert.ok(!pod.spec.volumes!.some((v) => v.name === "declared"));
});

Deno.test("buildNetworkPolicy() lets a declaring server reach its namespace's pods", () => {
  const np = buildNetworkPolicy(server({ toolSelector: SELECTOR }), { operatorNamespace: "n" });
  assert.deepEqual(np.spec.egress?.at(-1), { to: [{ podSelector: {} }] });
  const plain = buildNetworkPolicy(server({ image: "i" }), { operatorNamespace: "n" });
  assert.ok(!plain.spec.egress?.some((r) => JSON.stringify(r) === '{"to":[{"podSelector":{}}]}'));
});
