import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { buildNetworkPolicy } from "./network_policy.ts";
import { buildTokenSecret } from "./token_secret.ts";

function server(spec: Partial<MCPServer["spec"]> = {}): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "fs", namespace: "team", uid: "u-9" },
    spec: { image: "mcp/fs", ...spec },
  };
}

const owner = [{
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  name: "fs",
  uid: "u-9",
  controller: true,
  blockOwnerDeletion: true,
}];

const DNS = {
  to: [{
    namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
  }],
  ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }],
};

Deno.test("buildNetworkPolicy() admits only the operator's pods, and DNS out, by default", () => {
  const np = buildNetworkPolicy(server(), { operatorNamespace: "nmcp-system" });
  assert.equal(np.metadata.name, "mcp-fs");
  assert.equal(np.metadata.namespace, "team");
  assert.deepEqual(np.metadata.ownerReferences, owner);
  assert.equal(np.metadata.labels!["app.kubernetes.io/managed-by"], "nmcp-operator");
  assert.deepEqual(np.spec, {
    podSelector: {
      matchLabels: { "nmcp.nwrx.io/server": "fs", "app.kubernetes.io/component": "mcp-server" },
    },
    policyTypes: ["Ingress", "Egress"],
    ingress: [{
      from: [{
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nmcp-system" } },
        podSelector: { matchLabels: { "app.kubernetes.io/name": "nmcp-operator" } },
      }],
      ports: [{ port: 8080, protocol: "TCP" }],
    }],
    egress: [DNS],
  });
});

Deno.test("buildNetworkPolicy() turns spec.network.egress into rules; dns: false denies DNS", () => {
  const np = buildNetworkPolicy(
    server({
      network: {
        dns: false,
        egress: [
          { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"], ports: [{ port: 443 }] },
          { ports: [{ port: 5432, protocol: "TCP" }, { port: 9000, protocol: "UDP" }] },
          { cidr: "0.0.0.0/0" },
        ],
      },
    }),
    { operatorNamespace: "ops" },
  );
  assert.deepEqual(np.spec.egress, [
    {
      to: [{ ipBlock: { cidr: "10.0.0.0/8", except: ["10.1.0.0/16"] } }],
      ports: [{ port: 443, protocol: "TCP" }],
    },
    { ports: [{ port: 5432, protocol: "TCP" }, { port: 9000, protocol: "UDP" }] },
    { to: [{ ipBlock: { cidr: "0.0.0.0/0" } }] },
  ]);
  assert.deepEqual(
    np.spec.ingress![0].from![0].namespaceSelector?.matchLabels,
    { "kubernetes.io/metadata.name": "ops" },
  );
  const none = buildNetworkPolicy(server({ network: { dns: false } }), { operatorNamespace: "o" });
  assert.deepEqual(none.spec.egress, [], "no egress rule: everything out is denied");
});

Deno.test("buildTokenSecret() holds the token under `token`, owned by the server", () => {
  const s = buildTokenSecret(server(), "tok-123");
  assert.deepEqual(s, {
    apiVersion: "v1",
    kind: "Secret",
    metadata: {
      name: "mcp-fs-token",
      namespace: "team",
      labels: {
        "nmcp.nwrx.io/server": "fs",
        "nmcp.nwrx.io/pool": "default",
        "app.kubernetes.io/managed-by": "nmcp-operator",
        "app.kubernetes.io/component": "gateway-token",
      },
      ownerReferences: owner,
    },
    type: "Opaque",
    data: { token: btoa("tok-123") },
  });
});
