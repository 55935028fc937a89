/**
 * The Kubernetes Pod Security Standards (baseline + restricted, as published on
 * kubernetes.io/docs/concepts/security/pod-security-standards) as a pure checker of a pod.
 * Every rule returns the fields that break it; an empty list means the pod is "restricted".
 *
 * @module
 */

/** A rule a pod breaks, with the offending field. */
export interface Violation {
  rule: RuleName;
  field: string;
}

/** Names of the checked rules. */
export type RuleName =
  | "hostProcess"
  | "hostNamespaces"
  | "privileged"
  | "capabilities"
  | "hostPath"
  | "hostPorts"
  | "hostProbes"
  | "appArmor"
  | "seLinux"
  | "procMount"
  | "seccomp"
  | "sysctls"
  | "volumeTypes"
  | "privilegeEscalation"
  | "runAsNonRoot"
  | "runAsUser";

type Obj = Record<string, unknown>;
type Rule = (spec: Obj, meta: Obj, containers: [string, Obj][]) => string[];

const BASELINE_CAPS = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);
const SAFE_SYSCTLS = new Set([
  "kernel.shm_rmid_forced",
  "net.ipv4.ip_local_port_range",
  "net.ipv4.ip_local_reserved_ports",
  "net.ipv4.ip_unprivileged_port_start",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.ping_group_range",
  "net.ipv4.tcp_keepalive_time",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_keepalive_intvl",
  "net.ipv4.tcp_keepalive_probes",
]);
const SELINUX_TYPES = new Set([
  "",
  "container_t",
  "container_init_t",
  "container_kvm_t",
  "container_engine_t",
]);
const VOLUME_TYPES = new Set([
  "configMap",
  "csi",
  "downwardAPI",
  "emptyDir",
  "ephemeral",
  "persistentVolumeClaim",
  "projected",
  "secret",
]);
const SECCOMP_OK = new Set(["RuntimeDefault", "Localhost"]);

const obj = (v: unknown): Obj => (v && typeof v === "object" ? v as Obj : {});
const sc = (o: Obj): Obj => obj(o.securityContext);

/** Every container of a pod spec with its field path. */
function containersOf(spec: Obj): [string, Obj][] {
  const out: [string, Obj][] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    const items = Array.isArray(spec[list]) ? spec[list] as Obj[] : [];
    items.forEach((c, i) => out.push([`spec.${list}[${i}]`, c]));
  }
  return out;
}

/** Checks one field at pod level and in every container; `bad` says which values violate. */
function podAndContainers(
  spec: Obj,
  containers: [string, Obj][],
  get: (sc: Obj) => unknown,
  field: string,
  bad: (v: unknown) => boolean,
): string[] {
  const out: string[] = [];
  if (bad(get(sc(spec)))) out.push(`spec.securityContext.${field}`);
  for (const [p, c] of containers) if (bad(get(sc(c)))) out.push(`${p}.securityContext.${field}`);
  return out;
}

/** Pod-level setting that each container may set instead: pod ok, or every container ok. */
function podOrEveryContainer(
  spec: Obj,
  containers: [string, Obj][],
  get: (sc: Obj) => unknown,
  field: string,
  ok: (v: unknown) => boolean,
): string[] {
  const pod = get(sc(spec));
  const out: string[] = [];
  for (const [p, c] of containers) {
    const v = get(sc(c));
    if (v !== undefined ? !ok(v) : !ok(pod)) out.push(`${p}.securityContext.${field}`);
  }
  if (pod !== undefined && !ok(pod)) out.push(`spec.securityContext.${field}`);
  return out;
}

const RULES: Record<RuleName, Rule> = {
  hostProcess: (s, _m, cs) =>
    podAndContainers(
      s,
      cs,
      (x) => obj(x.windowsOptions).hostProcess,
      "windowsOptions.hostProcess",
      (v) => v === true,
    ),
  hostNamespaces: (s) =>
    ["hostNetwork", "hostPID", "hostIPC"].filter((k) => s[k] === true).map((k) => `spec.${k}`),
  privileged: (_s, _m, cs) =>
    podAndContainers({}, cs, (x) => x.privileged, "privileged", (v) => v === true),
  capabilities: (_s, _m, cs) => {
    const out: string[] = [];
    for (const [p, c] of cs) {
      const caps = obj(sc(c).capabilities);
      const drop = Array.isArray(caps.drop) ? caps.drop : [];
      const add = Array.isArray(caps.add) ? caps.add as string[] : [];
      if (!drop.includes("ALL")) out.push(`${p}.securityContext.capabilities.drop`);
      // Baseline allows its default set; restricted only NET_BIND_SERVICE (a subset of it).
      if (add.some((a) => !BASELINE_CAPS.has(a) || a !== "NET_BIND_SERVICE")) {
        out.push(`${p}.securityContext.capabilities.add`);
      }
    }
    return out;
  },
  hostPath: (s) =>
    volumes(s).filter(([, v]) => v.hostPath !== undefined).map(([p]) => `${p}.hostPath`),
  hostPorts: (_s, _m, cs) =>
    cs.flatMap(([p, c]) =>
      (Array.isArray(c.ports) ? c.ports as Obj[] : []).flatMap((port, i) =>
        port.hostPort !== undefined && port.hostPort !== 0 ? [`${p}.ports[${i}].hostPort`] : []
      )
    ),
  hostProbes: (_s, _m, cs) =>
    cs.flatMap(([p, c]) => {
      const handlers: [string, unknown][] = [
        ...["livenessProbe", "readinessProbe", "startupProbe"].map((k) =>
          [k, c[k]] as [string, unknown]
        ),
        ["lifecycle.postStart", obj(c.lifecycle).postStart],
        ["lifecycle.preStop", obj(c.lifecycle).preStop],
      ];
      return handlers.flatMap(([k, h]) =>
        ["httpGet", "tcpSocket"].filter((t) => {
          const host = obj(obj(h)[t]).host;
          return host !== undefined && host !== "";
        }).map((t) => `${p}.${k}.${t}.host`)
      );
    }),
  appArmor: (s, m, cs) => {
    const out = podAndContainers(
      s,
      cs,
      (x) => obj(x.appArmorProfile).type,
      "appArmorProfile.type",
      (v) => v !== undefined && v !== "RuntimeDefault" && v !== "Localhost",
    );
    for (const [k, v] of Object.entries(obj(m.annotations))) {
      if (!k.startsWith("container.apparmor.security.beta.kubernetes.io/")) continue;
      if (v !== "runtime/default" && !String(v).startsWith("localhost/")) {
        out.push(`metadata.annotations[${k}]`);
      }
    }
    return out;
  },
  seLinux: (s, _m, cs) => [
    ...podAndContainers(
      s,
      cs,
      (x) => obj(x.seLinuxOptions).type,
      "seLinuxOptions.type",
      (v) => v !== undefined && !SELINUX_TYPES.has(String(v)),
    ),
    ...["user", "role"].flatMap((k) =>
      podAndContainers(
        s,
        cs,
        (x) => obj(x.seLinuxOptions)[k],
        `seLinuxOptions.${k}`,
        (v) => v !== undefined && v !== "",
      )
    ),
  ],
  procMount: (_s, _m, cs) =>
    podAndContainers(
      {},
      cs,
      (x) => x.procMount,
      "procMount",
      (v) => v !== undefined && v !== "Default",
    ),
  seccomp: (s, _m, cs) =>
    podOrEveryContainer(
      s,
      cs,
      (x) => obj(x.seccompProfile).type,
      "seccompProfile.type",
      (v) => SECCOMP_OK.has(String(v)),
    ),
  sysctls: (s) => {
    const list = Array.isArray(sc(s).sysctls) ? sc(s).sysctls as Obj[] : [];
    return list.flatMap((x, i) =>
      SAFE_SYSCTLS.has(String(x.name)) ? [] : [`spec.securityContext.sysctls[${i}].name`]
    );
  },
  volumeTypes: (s) =>
    volumes(s).flatMap(([p, v]) =>
      Object.keys(v).filter((k) => k !== "name" && !VOLUME_TYPES.has(k)).map((k) => `${p}.${k}`)
    ),
  privilegeEscalation: (_s, _m, cs) =>
    cs.filter(([, c]) => sc(c).allowPrivilegeEscalation !== false).map(([p]) =>
      `${p}.securityContext.allowPrivilegeEscalation`
    ),
  runAsNonRoot: (s, _m, cs) =>
    podOrEveryContainer(s, cs, (x) => x.runAsNonRoot, "runAsNonRoot", (v) => v === true),
  runAsUser: (s, _m, cs) =>
    podAndContainers(s, cs, (x) => x.runAsUser, "runAsUser", (v) => v === 0),
};

function volumes(spec: Obj): [string, Obj][] {
  const list = Array.isArray(spec.volumes) ? spec.volumes as Obj[] : [];
  return list.map((v, i) => [`spec.volumes[${i}]`, v]);
}

/** The rules of the "restricted" standard (which includes "baseline") a pod breaks. */
export function restrictedViolations(pod: { metadata?: unknown; spec?: unknown }): Violation[] {
  const spec = obj(pod.spec);
  const meta = obj(pod.metadata);
  const containers = containersOf(spec);
  const out: Violation[] = [];
  for (const [rule, check] of Object.entries(RULES) as [RuleName, Rule][]) {
    for (const field of check(spec, meta, containers)) out.push({ rule, field });
  }
  return out;
}
