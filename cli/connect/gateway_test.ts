import assert from "node:assert/strict";
import { buildPod } from "../../operator/build/pod.ts";
import { containerNames, DEFAULT_GATEWAY, gatewayOf } from "./gateway.ts";

Deno.test("gatewayOf() finds the container with the port named mcp, sidecars included", () => {
  const pod = {
    spec: {
      initContainers: [
        { name: "nmcp-launcher" },
        { name: "nmcp-gateway", ports: [{ name: "mcp", containerPort: 9090 }] },
      ],
      containers: [{ name: "mcp" }],
    },
  };
  assert.deepEqual(gatewayOf(pod), { container: "nmcp-gateway", port: 9090 });
  assert.deepEqual(containerNames(pod), ["nmcp-launcher", "nmcp-gateway", "mcp"]);
});

Deno.test("gatewayOf() falls back to nmcp-gateway:8080, the container the operator's pods run", () => {
  const pod = buildPod({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team", uid: "u-1", generation: 1 },
    spec: { image: "node:22-alpine" },
  }, { gatewayImage: "gw", entrypoint: { command: ["npx"], args: ["x"] } });
  // Without the port name, the fallback must still find the operator's sidecar.
  for (const c of pod.spec.initContainers ?? []) delete c.ports;
  assert.deepEqual(gatewayOf(pod), { container: "nmcp-gateway", port: 8080 });
  assert.ok(containerNames(pod).includes(DEFAULT_GATEWAY.container));
  assert.deepEqual(gatewayOf({}), { container: "nmcp-gateway", port: 8080 });
});
