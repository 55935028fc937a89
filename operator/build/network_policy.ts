/** The per-server NetworkPolicy: ingress from the operator only, egress as the spec allows. */

import type { MCPServer } from "../../lib/api/mod.ts";
import { networkPolicyName } from "./names.ts";
import { GATEWAY_PORT, ownedMeta, podSelectorOf } from "./pod.ts";
import type { NetworkPolicy, NetworkPolicyPort } from "./types.ts";

/** The label every operator pod carries (its Deployment's selector). */
export const OPERATOR_APP_LABEL = { "app.kubernetes.io/name": "nmcp-operator" } as const;

/** Options of {@linkcode buildNetworkPolicy}. */
export interface NetworkPolicyOptions {
  /** Namespace of the operator's pods (the only ingress peers). */
  operatorNamespace: string;
}

const NS_LABEL = "kubernetes.io/metadata.name";

const DNS = {
  to: [{
    namespaceSelector: { matchLabels: { [NS_LABEL]: "kube-system" } },
    podSelector: { matchLabels: { "k8s-app": "kube-dns" } },
  }],
  ports: [{ port: 53, protocol: "UDP" }, { port: 53, protocol: "TCP" }] as NetworkPolicyPort[],
};

/** Builds the NetworkPolicy of an MCPServer (default deny both ways, then what it allows). */
export function buildNetworkPolicy(server: MCPServer, opts: NetworkPolicyOptions): NetworkPolicy {
  const net = server.spec.network ?? {};
  const egress: NonNullable<NetworkPolicy["spec"]["egress"]> = (net.egress ?? []).map((r) => ({
    ...(r.cidr
      ? {
        to: [{ ipBlock: { cidr: r.cidr, ...(r.except?.length ? { except: [...r.except] } : {}) } }],
      }
      : {}),
    ...(r.ports?.length
      ? { ports: r.ports.map((p) => ({ port: p.port, protocol: p.protocol ?? "TCP" })) }
      : {}),
  }));
  if (net.dns !== false) egress.push(structuredClone(DNS));
  // Declared tools and resources call Services of the server's namespace (their pods' ports).
  if (server.spec.toolSelector) egress.push({ to: [{ podSelector: {} }] });
  return {
    apiVersion: "networking.k8s.io/v1",
    kind: "NetworkPolicy",
    metadata: ownedMeta(server, networkPolicyName(server.metadata.name!), "mcp-network-policy"),
    spec: {
      podSelector: { matchLabels: podSelectorOf(server) },
      policyTypes: ["Ingress", "Egress"],
      ingress: [{
        // One peer: the namespace AND the label, so no other namespace's pod qualifies.
        from: [{
          namespaceSelector: { matchLabels: { [NS_LABEL]: opts.operatorNamespace } },
          podSelector: { matchLabels: { ...OPERATOR_APP_LABEL } },
        }],
        ports: [{ port: GATEWAY_PORT, protocol: "TCP" }],
      }],
      egress,
    },
  };
}
