/** Minimal core/v1 shapes the operator builds and reads (plain Kubernetes JSON). */

import type { ObjectMeta } from "../../lib/api/mod.ts";

/** A container (the fields nmcp sets or reads). */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: unknown[];
  envFrom?: unknown[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  resources?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[];
  readinessProbe?: Record<string, unknown>;
  livenessProbe?: Record<string, unknown>;
  startupProbe?: Record<string, unknown>;
  restartPolicy?: "Always";
  securityContext?: Record<string, unknown>;
}

/** The state of one container, as the kubelet reports it. */
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  started?: boolean;
  state?: {
    waiting?: { reason?: string; message?: string };
    running?: { startedAt?: string };
    terminated?: { exitCode?: number; reason?: string; message?: string };
  };
  lastState?: ContainerStatus["state"];
}

/** A Pod. */
export interface Pod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: ObjectMeta;
  spec: {
    containers: Container[];
    initContainers?: Container[];
    volumes?: Record<string, unknown>[];
    restartPolicy?: string;
    serviceAccountName?: string;
    automountServiceAccountToken?: boolean;
    enableServiceLinks?: boolean;
    imagePullSecrets?: { name: string }[];
    terminationGracePeriodSeconds?: number;
    securityContext?: Record<string, unknown>;
    [key: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: ContainerStatus[];
    initContainerStatuses?: ContainerStatus[];
    startTime?: string;
    reason?: string;
    message?: string;
  };
}

/** A Service. */
export interface Service {
  apiVersion: "v1";
  kind: "Service";
  metadata: ObjectMeta;
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports: { name?: string; port: number; targetPort?: number | string; protocol?: string }[];
    [key: string]: unknown;
  };
}

/** A resolved entrypoint of the MCP container: what `exec` runs. */
export interface Entrypoint {
  command: string[];
  args: string[];
}

/** A ConfigMap. */
export interface ConfigMap {
  apiVersion: "v1";
  kind: "ConfigMap";
  metadata: ObjectMeta;
  data?: Record<string, string>;
}

/** A Secret. */
export interface Secret {
  apiVersion: "v1";
  kind: "Secret";
  metadata: ObjectMeta;
  type?: string;
  data?: Record<string, string>;
}

/** A label selector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
}

/** A peer of a NetworkPolicy rule (selectors together, or an IP block). */
export interface NetworkPolicyPeer {
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

/** A port of a NetworkPolicy rule. */
export interface NetworkPolicyPort {
  port?: number;
  protocol?: "TCP" | "UDP" | "SCTP";
}

/** A networking.k8s.io/v1 NetworkPolicy. */
export interface NetworkPolicy {
  apiVersion: "networking.k8s.io/v1";
  kind: "NetworkPolicy";
  metadata: ObjectMeta;
  spec: {
    podSelector: LabelSelector;
    policyTypes: ("Ingress" | "Egress")[];
    ingress?: { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
    egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  };
}
