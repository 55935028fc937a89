import assert from "node:assert/strict";
import { runKubectl } from "../kubectl.ts";
import { startTestCluster, type TestCluster } from "./_testing.ts";

function claimsOf(jwt: string): Record<string, unknown> {
  const p = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(p));
}

/** `kubectl create -f` of a TokenReview; returns its status. */
async function review(c: TestCluster, token: string): Promise<Record<string, unknown>> {
  const doc = JSON.stringify({
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenReview",
    spec: { token },
  });
  const r = await c.kubectl(["create", "-f", "-", "-o", "json"], doc);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).status;
}

Deno.test("kubectl create token issues ServiceAccount tokens (protobuf TokenRequest) that TokenReview accepts", async () => {
  const c = await startTestCluster();
  try {
    assert.equal((await c.kubectl(["create", "sa", "bot"])).code, 0);
    const plain = await c.kubectl(["create", "token", "bot"]);
    assert.equal(plain.code, 0, plain.stderr);
    const token = plain.stdout.trim();
    const claims = claimsOf(token);
    assert.equal(claims.sub, "system:serviceaccount:default:bot");
    assert.equal(Number(claims.exp) - Number(claims.iat), 3600);
    const st = await review(c, token);
    assert.equal(st.authenticated, true);
    assert.equal((st.user as { username: string }).username, "system:serviceaccount:default:bot");
    const custom = await c.kubectl([
      "create",
      "token",
      "bot",
      "--duration",
      "10m",
      "--audience",
      "x",
    ]);
    assert.equal(custom.code, 0, custom.stderr);
    const cc = claimsOf(custom.stdout.trim());
    assert.equal(Number(cc.exp) - Number(cc.iat), 600);
    assert.deepEqual(cc.aud, ["x"]);
    const short = await c.kubectl(["create", "token", "bot", "--duration", "5m"]);
    assert.equal(short.code, 1);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    const missing = await c.kubectl(["create", "token", "nobody"]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  } finally {
    await c.close();
  }
});

Deno.test("kubectl create token --bound-object-kind Pod binds the token to the pod", async () => {
  const c = await startTestCluster();
  try {
    const run = await c.kubectl(["run", "p", "--image=busybox", "--restart=Never"]);
    assert.equal(run.code, 0, run.stderr);
    const uid = (await c.kubectl(["get", "pod", "p", "-o", "jsonpath={.metadata.uid}"])).stdout;
    const bound = await c.kubectl([
      "create",
      "token",
      "default",
      "--bound-object-kind",
      "Pod",
      "--bound-object-name",
      "p",
      "--bound-object-uid",
      uid,
    ]);
    assert.equal(bound.code, 0, bound.stderr);
    const k8s = claimsOf(bound.stdout.trim())["kubernetes.io"] as Record<string, unknown>;
    assert.deepEqual(k8s.pod, { name: "p", uid });
    assert.equal((await review(c, bound.stdout.trim())).authenticated, true);
    assert.equal((await c.kubectl(["delete", "pod", "p", "--wait=false"])).code, 0);
    assert.match(String((await review(c, bound.stdout.trim())).error), /pods "p" not found/);
  } finally {
    await c.close();
  }
});

Deno.test("discovery lists tokenreviews and serviceaccounts/token; kubectl auth whoami with a user kubeconfig is that user", async () => {
  const c = await startTestCluster();
  try {
    const res = await c.kubectl(["api-resources", "--api-group=authentication.k8s.io"]);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /tokenreviews\s+authentication\.k8s\.io\/v1\s+false\s+TokenReview/);
    assert.match(
      res.stdout,
      /selfsubjectreviews\s+authentication\.k8s\.io\/v1\s+false\s+SelfSubjectReview/,
    );
    const raw = await c.kubectl(["get", "--raw", "/api/v1"]);
    const sub = JSON.parse(raw.stdout).resources.find((r: { name: string }) =>
      r.name === "serviceaccounts/token"
    );
    assert.deepEqual(
      [sub.group, sub.version, sub.kind, sub.verbs],
      ["authentication.k8s.io", "v1", "TokenRequest", ["create"]],
    );
    const path = await c.server.writeUserKubeconfig("alice", ["team-a"]);
    const token = await c.server.issueUserToken("alice", ["team-a"]);
    assert.deepEqual((await review(c, token)).user, {
      username: "alice",
      groups: ["team-a", "system:authenticated"],
    });
    const env = { KUBECONFIG: path, HOME: c.home, PATH: Deno.env.get("PATH") ?? "" };
    const whoami = await runKubectl(["auth", "whoami", "-o", "json"], { env });
    assert.equal(whoami.code, 0, whoami.stderr);
    assert.deepEqual(JSON.parse(whoami.stdout).status.userInfo, {
      username: "alice",
      groups: ["team-a", "system:authenticated"],
    });
    const admin = await c.kubectl(["auth", "whoami"]);
    assert.match(
      admin.stdout,
      /Username\s+kubernetes-admin\nGroups\s+\[system:masters system:authenticated\]/,
    );
    const bad = await runKubectl(["get", "cm", "--token", "forged"], { env });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Unauthorized/);
  } finally {
    await c.close();
  }
});
