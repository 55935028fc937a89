import assert from "node:assert/strict";
import { missingMessage, packagesFor, plan, type Requirement, REQUIREMENTS } from "./plan.ts";

const named = (...names: string[]): Requirement[] =>
  names.map((n) => {
    const r = REQUIREMENTS.find((r) => r.name === n);
    assert.ok(r, n);
    return r;
  });

const ROOT_HOST = { root: true, aptGet: true, install: true };

Deno.test("plan() is ready when nothing is missing, and installs as root with apt-get", () => {
  assert.deepEqual(plan("demo", [], { root: false, aptGet: false, install: false }), {
    kind: "ready",
  });
  assert.deepEqual(plan("demo", named("/bin/busybox", "unshare", "nsenter", "cc"), ROOT_HOST), {
    kind: "install",
    packages: ["busybox-static", "util-linux", "gcc", "libc6-dev"],
  });
});

Deno.test("plan() says in one line what is missing when it cannot install", () => {
  const missing = named("/bin/busybox", "cc");
  const line =
    'Cannot set up "demo": missing /bin/busybox, cc (apt-get install busybox-static gcc libc6-dev)';
  for (
    const host of [
      { ...ROOT_HOST, root: false },
      { ...ROOT_HOST, aptGet: false },
      { ...ROOT_HOST, install: false },
    ]
  ) {
    assert.deepEqual(plan("demo", missing, host), { kind: "missing", message: line });
  }
});

Deno.test("plan() names where to get what apt cannot install (kubectl)", () => {
  const p = plan("test", named("kubectl"), ROOT_HOST);
  assert.deepEqual(p, {
    kind: "missing",
    message:
      'Cannot set up "test": missing kubectl (kubectl: https://kubernetes.io/docs/tasks/tools/)',
  });
  assert.equal(
    missingMessage("test", named("kubectl", "git"), "apt-get install exited 100: E: no"),
    'Cannot set up "test": missing kubectl, git (apt-get install git; kubectl: ' +
      "https://kubernetes.io/docs/tasks/tools/); apt-get install exited 100: E: no",
  );
});

Deno.test("REQUIREMENTS: the demo needs the harness's tools, the suite more", () => {
  const demo = REQUIREMENTS.filter((r) => r.for.includes("demo"));
  const test = REQUIREMENTS.filter((r) => r.for.includes("test"));
  assert.deepEqual(packagesFor(demo), [
    "npm",
    "busybox-static",
    "openssl",
    "util-linux",
    "gcc",
    "libc6-dev",
  ]);
  assert.deepEqual(packagesFor(test), [
    ...packagesFor(demo),
    "git",
    "zsh",
    "fish",
    "docker-registry",
    "python3-kubernetes",
  ]);
});
