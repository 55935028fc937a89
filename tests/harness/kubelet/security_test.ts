import assert from "node:assert/strict";
import { containerIdentity, setprivArgs } from "./security.ts";
import type { Container, Pod, SecurityContext } from "./types.ts";

const pod = (sc?: SecurityContext, c: Partial<Container> = {}): [Pod, Container] => {
  const container = { name: "c", image: "busybox", ...c };
  return [{
    metadata: { name: "p", namespace: "ns", uid: "u-1" },
    spec: { containers: [container], securityContext: sc },
  } as Pod, container];
};

Deno.test("containerIdentity: the container's fields over the pod's, groups from supplementalGroups and fsGroup", () => {
  assert.deepEqual(containerIdentity(...pod()), {
    ok: true,
    runAs: { uid: 0, gid: 0, groups: [] },
  });
  const [p, c] = pod(
    { runAsUser: 1000, runAsGroup: 1000, supplementalGroups: [5, 7], fsGroup: 7 },
    { securityContext: { runAsUser: 2000 } },
  );
  assert.deepEqual(containerIdentity(p, c), {
    ok: true,
    runAs: { uid: 2000, gid: 1000, groups: [5, 7] },
  });
  assert.equal(containerIdentity(...pod({ runAsNonRoot: true, runAsUser: 1 })).ok, true);
});

Deno.test("containerIdentity refuses runAsNonRoot at uid 0 with the kubelet's messages", () => {
  assert.deepEqual(containerIdentity(...pod({ runAsNonRoot: true })), {
    ok: false,
    reason: "CreateContainerConfigError",
    message:
      'container has runAsNonRoot and image will run as root (pod: "p_ns(u-1)", container: c)',
  });
  const zero = containerIdentity(
    ...pod({ runAsUser: 0 }, { securityContext: { runAsNonRoot: true } }),
  );
  assert.equal(zero.ok, false);
  assert.match(!zero.ok ? zero.message : "", /^container's runAsUser breaks non-root policy/);
  // the container may lift the pod's requirement
  const lifted = pod({ runAsNonRoot: true }, { securityContext: { runAsNonRoot: false } });
  assert.equal(containerIdentity(...lifted).ok, true);
});

Deno.test("setprivArgs: uid, gid and groups; the read capability only for non-root", () => {
  assert.deepEqual(setprivArgs(undefined), []);
  assert.deepEqual(setprivArgs({ uid: 0, gid: 0, groups: [] }), [
    "--reuid",
    "0",
    "--regid",
    "0",
    "--clear-groups",
  ]);
  assert.deepEqual(setprivArgs({ uid: 1000, gid: 3, groups: [4, 5] }), [
    "--reuid",
    "1000",
    "--regid",
    "3",
    "--groups",
    "4,5",
    "--inh-caps",
    "+dac_read_search",
    "--ambient-caps",
    "+dac_read_search",
  ]);
});
