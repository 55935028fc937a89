import assert from "node:assert/strict";
import { containerNames, gatewayOf } from "./gateway.ts";

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

Deno.test("gatewayOf() falls back to the contract's gateway:8080", () => {
  assert.deepEqual(gatewayOf({ spec: { containers: [{ name: "gateway" }] } }), {
    container: "gateway",
    port: 8080,
  });
  assert.deepEqual(gatewayOf({}), { container: "gateway", port: 8080 });
});
