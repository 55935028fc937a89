import assert from "node:assert/strict";
import { restrictedViolations, type RuleName } from "./pod_security_standard.ts";

type Obj = Record<string, unknown>;
const hardened = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

/** A pod meeting the restricted standard; `edit` breaks it in one place. */
function pod(edit: (p: { metadata: Obj; spec: Obj; c: Obj; init: Obj }) => void = () => {}) {
  const c: Obj = { name: "c", image: "i", securityContext: structuredClone(hardened) };
  const init: Obj = { name: "i", image: "i", securityContext: structuredClone(hardened) };
  const spec: Obj = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    initContainers: [init],
    containers: [c],
    volumes: [{ name: "v", emptyDir: {} }, { name: "s", secret: { secretName: "x" } }],
  };
  const metadata: Obj = { name: "p" };
  edit({ metadata, spec, c, init });
  return { metadata, spec };
}

const sc = (o: Obj) => o.securityContext as Obj;

const CASES: [RuleName, string, Parameters<typeof pod>[0]][] = [
  ["hostProcess", "spec.containers[0].securityContext.windowsOptions.hostProcess", ({ c }) => {
    sc(c).windowsOptions = { hostProcess: true };
  }],
  ["hostNamespaces", "spec.hostPID", ({ spec }) => void (spec.hostPID = true)],
  ["hostNamespaces", "spec.hostNetwork", ({ spec }) => void (spec.hostNetwork = true)],
  ["privileged", "spec.initContainers[0].securityContext.privileged", ({ init }) => {
    sc(init).privileged = true;
  }],
  ["capabilities", "spec.containers[0].securityContext.capabilities.add", ({ c }) => {
    sc(c).capabilities = { drop: ["ALL"], add: ["CHOWN"] };
  }],
  ["capabilities", "spec.containers[0].securityContext.capabilities.drop", ({ c }) => {
    sc(c).capabilities = { drop: ["NET_RAW"] };
  }],
  ["hostPath", "spec.volumes[0].hostPath", ({ spec }) => {
    spec.volumes = [{ name: "h", hostPath: { path: "/" } }];
  }],
  ["hostPorts", "spec.containers[0].ports[0].hostPort", ({ c }) => {
    c.ports = [{ containerPort: 80, hostPort: 80 }];
  }],
  ["hostProbes", "spec.containers[0].readinessProbe.httpGet.host", ({ c }) => {
    c.readinessProbe = { httpGet: { host: "10.0.0.1", port: 80 } };
  }],
  ["hostProbes", "spec.initContainers[0].lifecycle.preStop.tcpSocket.host", ({ init }) => {
    init.lifecycle = { preStop: { tcpSocket: { host: "metadata", port: 80 } } };
  }],
  ["appArmor", "spec.securityContext.appArmorProfile.type", ({ spec }) => {
    sc(spec).appArmorProfile = { type: "Unconfined" };
  }],
  [
    "appArmor",
    "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]",
    ({ metadata }) => {
      metadata.annotations = { "container.apparmor.security.beta.kubernetes.io/c": "unconfined" };
    },
  ],
  ["seLinux", "spec.containers[0].securityContext.seLinuxOptions.type", ({ c }) => {
    sc(c).seLinuxOptions = { type: "spc_t" };
  }],
  ["seLinux", "spec.securityContext.seLinuxOptions.user", ({ spec }) => {
    sc(spec).seLinuxOptions = { user: "system_u" };
  }],
  ["procMount", "spec.containers[0].securityContext.procMount", ({ c }) => {
    sc(c).procMount = "Unmasked";
  }],
  ["seccomp", "spec.containers[0].securityContext.seccompProfile.type", ({ c }) => {
    sc(c).seccompProfile = { type: "Unconfined" };
  }],
  ["seccomp", "spec.initContainers[0].securityContext.seccompProfile.type", ({ spec }) => {
    delete sc(spec).seccompProfile;
  }],
  ["sysctls", "spec.securityContext.sysctls[0].name", ({ spec }) => {
    sc(spec).sysctls = [{ name: "kernel.msgmax", value: "1" }];
  }],
  ["volumeTypes", "spec.volumes[0].nfs", ({ spec }) => {
    spec.volumes = [{ name: "n", nfs: { server: "s", path: "/" } }];
  }],
  [
    "privilegeEscalation",
    "spec.containers[0].securityContext.allowPrivilegeEscalation",
    ({ c }) => {
      delete sc(c).allowPrivilegeEscalation;
    },
  ],
  ["runAsNonRoot", "spec.initContainers[0].securityContext.runAsNonRoot", ({ spec }) => {
    delete sc(spec).runAsNonRoot;
  }],
  ["runAsNonRoot", "spec.containers[0].securityContext.runAsNonRoot", ({ c }) => {
    sc(c).runAsNonRoot = false;
  }],
  ["runAsUser", "spec.securityContext.runAsUser", ({ spec }) => void (sc(spec).runAsUser = 0)],
];

Deno.test("restrictedViolations() passes a restricted pod and allowed variants", () => {
  assert.deepEqual(restrictedViolations(pod()), []);
  const variants = pod(({ spec, c, init, metadata }) => {
    sc(c).capabilities = { drop: ["ALL"], add: ["NET_BIND_SERVICE"] };
    sc(c).seccompProfile = { type: "Localhost", localhostProfile: "p.json" };
    sc(spec).sysctls = [{ name: "net.ipv4.ip_unprivileged_port_start", value: "0" }];
    sc(spec).seLinuxOptions = { type: "container_t", level: "s0:c1" };
    sc(init).runAsUser = 1000;
    metadata.annotations = {
      "container.apparmor.security.beta.kubernetes.io/c": "runtime/default",
    };
    spec.volumes = [{ name: "p", projected: { sources: [] } }, { name: "d", downwardAPI: {} }];
  });
  assert.deepEqual(restrictedViolations(variants), []);
  const perContainer = pod(({ spec, c, init }) => {
    delete sc(spec).runAsNonRoot;
    sc(c).runAsNonRoot = true;
    sc(init).runAsNonRoot = true;
  });
  assert.deepEqual(restrictedViolations(perContainer), [], "every container may set it instead");
});

for (const [rule, field, edit] of CASES) {
  Deno.test(`restrictedViolations() refuses ${field} (${rule})`, () => {
    assert.deepEqual(restrictedViolations(pod(edit)).find((v) => v.field === field), {
      rule,
      field,
    });
  });
}
