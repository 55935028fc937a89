import assert from "node:assert/strict";
import { containerIdentity, imageUser, setprivArgs } from "./security.ts";
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

Deno.test("the image's USER: used when runAsUser is unset, its group only with its user", () => {
  assert.deepEqual(imageUser(undefined), { uid: 0 });
  assert.deepEqual(imageUser("65532:65532"), { uid: 65532, gid: 65532 });
  assert.deepEqual(imageUser("1000"), { uid: 1000, gid: undefined });
  assert.equal(imageUser("nobody"), undefined);
  const [p, c] = pod({ runAsNonRoot: true });
  assert.deepEqual(containerIdentity(p, c, "65532:65532"), {
    ok: true,
    runAs: { uid: 65532, gid: 65532, groups: [] },
  });
  const [p2, c2] = pod({ runAsUser: 7 });
  assert.deepEqual(containerIdentity(p2, c2, "65532:65532"), {
    ok: true,
    runAs: { uid: 7, gid: 0, groups: [] },
  });
  const named = containerIdentity(...pod(), "nobody");
  assert.equal(named.ok, false);
  assert.equal(containerIdentity(...pod({ runAsUser: 5 }), "nobody").ok, true);
});
