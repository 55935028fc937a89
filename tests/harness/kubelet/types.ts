/**
 * The slices of the core/v1 Pod API the process kubelet reads and writes (plain JSON).
 *
 * @module
 */

/** A key reference of env valueFrom. */
export interface KeySelector {
  name?: string;
  key: string;
  optional?: boolean;
}

/** One env entry. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: {
    configMapKeyRef?: KeySelector;
    secretKeyRef?: KeySelector;
    fieldRef?: { fieldPath: string };
    resourceFieldRef?: unknown;
  };
}

/** One envFrom entry. */
export interface EnvFromSource {
  prefix?: string;
  configMapRef?: { name?: string; optional?: boolean };
  secretRef?: { name?: string; optional?: boolean };
}

/** A probe (one handler). */
export interface Probe {
  httpGet?: { path?: string; port: number | string; scheme?: string; host?: string };
  tcpSocket?: { port: number | string; host?: string };
  exec?: { command: string[] };
  initialDelaySeconds?: number;
  periodSeconds?: number;
  timeoutSeconds?: number;
  failureThreshold?: number;
  successThreshold?: number;
}

/** A volume mount. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly?: boolean;
  subPath?: string;
}

/** The security fields the kubelet reads (pod and container securityContext together). */
export interface SecurityContext {
  runAsUser?: number;
  runAsGroup?: number;
  runAsNonRoot?: boolean;
  /** Pod only. */
  supplementalGroups?: number[];
  /** Pod only. */
  fsGroup?: number;
  [other: string]: unknown;
}

/** A container (regular, init, or native sidecar when restartPolicy is Always). */
export interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  workingDir?: string;
  env?: EnvVar[];
  envFrom?: EnvFromSource[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  volumeMounts?: VolumeMount[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
  restartPolicy?: "Always";
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  securityContext?: SecurityContext;
}

/** Items of a configMap/secret volume. */
export interface KeyToPath {
  key: string;
  path: string;
  mode?: number;
}

/** A pod volume (the kinds the harness supports). */
export interface Volume {
  name: string;
  emptyDir?: Record<string, unknown>;
  configMap?: { name?: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  secret?: { secretName?: string; items?: KeyToPath[]; optional?: boolean; defaultMode?: number };
  [other: string]: unknown;
}

/** The pod spec fields the kubelet reads. */
export interface PodSpec {
  nodeName?: string;
  restartPolicy?: "Always" | "OnFailure" | "Never";
  terminationGracePeriodSeconds?: number;
  initContainers?: Container[];
  containers: Container[];
  volumes?: Volume[];
  serviceAccountName?: string;
  automountServiceAccountToken?: boolean;
  hostNetwork?: boolean;
  hostname?: string;
  securityContext?: SecurityContext;
  [other: string]: unknown;
}

/** A container state: exactly one of the three. */
export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    signal?: number;
    reason: string;
    message?: string;
    startedAt?: string;
    finishedAt: string;
    containerID?: string;
  };
}

/** One containerStatuses entry. */
export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  started: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
}

/** One pod condition. */
export interface PodCondition {
  type: string;
  status: "True" | "False";
  lastTransitionTime: string;
  reason?: string;
  lastProbeTime?: null;
}

/** The pod status the kubelet writes. */
export interface PodStatus {
  phase: "Pending" | "Running" | "Succeeded" | "Failed";
  conditions: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses: ContainerStatus[];
  qosClass?: string;
}

/** A pod as the kubelet sees it. */
export interface Pod {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion?: string;
    deletionTimestamp?: string;
    deletionGracePeriodSeconds?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [other: string]: unknown;
  };
  spec: PodSpec;
  status?: Partial<PodStatus>;
}
