import assert from "node:assert/strict";
import { type ApiServer, startApiServer } from "./mod.ts";
import type { Obj } from "./patch.ts";

const API_AUD = "https://kubernetes.default.svc.cluster.local";

async function post(s: ApiServer, path: string, body: unknown, token = s.token) {
  const res = await fetch(`${s.url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() as Obj };
}

/** TokenReview of `token` as the admin; returns the status. */
async function review(s: ApiServer, token: string, audiences?: string[]): Promise<Obj> {
  const r = await post(s, "/apis/authentication.k8s.io/v1/tokenreviews", {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenReview",
    spec: { token, ...(audiences ? { audiences } : {}) },
  });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body.status as Obj;
}

async function requestToken(s: ApiServer, ns: string, sa: string, spec: Obj = {}) {
  return await post(s, `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    spec,
  });
}

async function saToken(s: ApiServer, ns: string, sa: string, spec: Obj = {}): Promise<string> {
  const r = await requestToken(s, ns, sa, spec);
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return String((r.body.status as Obj).token);
}

function create(s: ApiServer, plural: string, ns: string, obj: Obj): Obj {
  const rt = s.api.registry.find("", "v1", plural)!;
  return s.api.create(rt, ns, obj).obj;
}

function uidOf(o: Obj): string {
  return String((o.metadata as Obj).uid);
}

async function whoCalls(s: ApiServer, token: string): Promise<number> {
  const res = await fetch(`${s.url}/api/v1/namespaces/default/configmaps`, {
    headers: { authorization: `Bearer ${token}` },
  });
  await res.body?.cancel();
  return res.status;
}

Deno.test("TokenReview: a ServiceAccount token is its SA; the admin token is kubernetes-admin", async () => {
  const s = await startApiServer({ http: true });
  try {
    const sa = create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const token = await saToken(s, "default", "bot");
    const st = await review(s, token);
    assert.equal(st.authenticated, true);
    assert.deepEqual(st.audiences, [API_AUD]);
    const user = st.user as Obj;
    assert.equal(user.username, "system:serviceaccount:default:bot");
    assert.equal(user.uid, uidOf(sa));
    assert.deepEqual(user.groups, [
      "system:serviceaccounts",
      "system:serviceaccounts:default",
      "system:authenticated",
    ]);
    assert.match(
      String((user.extra as Obj)["authentication.kubernetes.io/credential-id"]),
      /^JTI=[0-9a-f-]{36}$/,
    );
    assert.notEqual(await whoCalls(s, token), 401);
    const admin = await review(s, s.token);
    assert.equal(admin.authenticated, true);
    assert.deepEqual(admin.user, {
      username: "kubernetes-admin",
      groups: ["system:masters", "system:authenticated"],
    });
  } finally {
    await s.stop();
  }
});

Deno.test("TokenReview refuses foreign, tampered, unknown-SA and wrong-audience tokens; requests with them get 401", async () => {
  const s = await startApiServer({ http: true });
  const other = await startApiServer({ http: true });
  try {
    create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    create(other, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const foreign = await saToken(other, "default", "bot");
    const [h, p, sig] = (await saToken(s, "default", "bot")).split(".");
    const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
    claims.sub = "system:serviceaccount:kube-system:default";
    const tampered = [h, btoa(JSON.stringify(claims)).replace(/=+$/, ""), sig].join(".");
    for (const bad of [foreign, tampered, other.token, "not-a-token"]) {
      const st = await review(s, bad);
      assert.equal(st.authenticated, undefined);
      assert.deepEqual(st.user, {});
      assert.equal(st.error, "invalid bearer token");
      assert.equal(await whoCalls(s, bad), 401);
    }
    const aud = await saToken(s, "default", "bot", { audiences: ["https://mcp.example"] });
    assert.match(
      String((await review(s, aud)).error),
      /token audiences \["https:\/\/mcp.example"\] is invalid for the target audiences/,
    );
    assert.equal(await whoCalls(s, aud), 401);
    const forMcp = await review(s, aud, ["https://mcp.example", "other"]);
    assert.equal(forMcp.authenticated, true);
    assert.deepEqual(forMcp.audiences, ["https://mcp.example"]);
    assert.deepEqual((await review(s, s.token, ["x"])).audiences, ["x"]);
    const missing = await requestToken(s, "default", "nobody");
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'serviceaccounts "nobody" not found');
    const empty = await post(s, "/apis/authentication.k8s.io/v1/tokenreviews", { spec: {} });
    assert.equal(empty.status, 400);
  } finally {
    await other.stop();
    await s.stop();
  }
});

Deno.test("TokenReview: a token expires with its expirationSeconds; a deleted or re-created SA voids it", async () => {
  let shift = 0;
  const s = await startApiServer({ http: true, now: () => new Date(Date.now() + shift) });
  try {
    create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const short = await saToken(s, "default", "bot", { expirationSeconds: 600 });
    const long = await saToken(s, "default", "bot");
    shift = 601_000;
    assert.match(String((await review(s, short)).error), /service account token has expired/);
    assert.equal(await whoCalls(s, short), 401);
    assert.equal((await review(s, long)).authenticated, true);
    const rt = s.api.registry.find("", "v1", "serviceaccounts")!;
    s.api.delete(rt, "default", "bot", {});
    assert.match(String((await review(s, long)).error), /serviceaccounts "bot" not found/);
    create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    assert.match(
      String((await review(s, long)).error),
      /service account UID \(.+\) does not match/,
    );
    assert.equal(await whoCalls(s, long), 401);
  } finally {
    await s.stop();
  }
});

Deno.test("TokenRequest: pod- and Secret-bound tokens die with their object; bad bindings are refused", async () => {
  const s = await startApiServer({ http: true });
  try {
    create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const spec = { serviceAccountName: "bot", containers: [{ name: "c", image: "busybox" }] };
    const pod = create(s, "pods", "default", { metadata: { name: "p" }, spec });
    const ref = { kind: "Pod", apiVersion: "v1", name: "p", uid: uidOf(pod) };
    const r = await requestToken(s, "default", "bot", { boundObjectRef: ref });
    assert.equal(r.status, 201);
    assert.deepEqual((r.body.spec as Obj).boundObjectRef, ref);
    assert.equal((r.body.spec as Obj).expirationSeconds, 3600);
    const token = String((r.body.status as Obj).token);
    const extra = (await review(s, token)).user as Obj;
    assert.deepEqual((extra.extra as Obj)["authentication.kubernetes.io/pod-name"], ["p"]);
    assert.deepEqual((extra.extra as Obj)["authentication.kubernetes.io/pod-uid"], [uidOf(pod)]);
    const stale = await requestToken(s, "default", "bot", { boundObjectRef: { ...ref, uid: "x" } });
    assert.equal(stale.status, 409);
    const other = await requestToken(s, "default", "default", { boundObjectRef: ref });
    assert.equal(other.status, 400);
    assert.match(String(other.body.message), /pod running with different serviceaccount name/);
    const absent = await requestToken(s, "default", "bot", {
      boundObjectRef: { ...ref, name: "q" },
    });
    assert.equal(absent.status, 404);
    s.api.delete(s.api.registry.find("", "v1", "pods")!, "default", "p", {});
    assert.match(String((await review(s, token)).error), /pods "p" not found/);
    const secret = create(s, "secrets", "default", { metadata: { name: "sec" } });
    const secretRef = { kind: "Secret", apiVersion: "v1", name: "sec", uid: uidOf(secret) };
    const bySecret = await saToken(s, "default", "bot", { boundObjectRef: secretRef });
    assert.equal((await review(s, bySecret)).authenticated, true);
    s.api.delete(s.api.registry.find("", "v1", "secrets")!, "default", "sec", {});
    assert.match(String((await review(s, bySecret)).error), /secrets "sec" not found/);
    const node = await requestToken(s, "default", "bot", {
      boundObjectRef: { kind: "Node", apiVersion: "v1", name: "n" },
    });
    assert.equal(node.status, 400);
  } finally {
    await s.stop();
  }
});

Deno.test("a restarted server keeps accepting its ServiceAccount and static user tokens (issued over HTTP or directly)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "harness-authn-" });
  try {
    const a = await startApiServer({ dataDir: dir, http: true });
    create(a, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const token = await saToken(a, "default", "bot");
    const direct = await a.issueServiceAccountToken("default", "bot", { audiences: ["x"] });
    await assert.rejects(() => a.issueServiceAccountToken("default", "nobody"), /not found/);
    const alice = await a.issueUserToken("alice", ["team-a"]);
    assert.equal(await a.issueUserToken("alice", ["team-a"]), alice);
    await a.stop();
    const b = await startApiServer({ dataDir: dir, http: true });
    try {
      assert.equal((await review(b, token)).authenticated, true);
      assert.deepEqual((await review(b, direct, ["x"])).audiences, ["x"]);
      assert.deepEqual((await review(b, alice)).user, {
        username: "alice",
        groups: ["team-a", "system:authenticated"],
      });
      assert.equal(await b.issueUserToken("alice", ["team-a"]), alice);
      assert.notEqual(await b.issueUserToken("alice", ["team-b"]), alice);
    } finally {
      await b.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** A protobuf length-delimited field. */
function field(num: number, value: Uint8Array | string): Uint8Array {
  const bytes = typeof value === "string" ? new TextEncoder().encode(value) : value;
  const len: number[] = [];
  for (let n = bytes.length;; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return new Uint8Array([(num << 3) | 2, ...len, ...bytes]);
}

const concat = (...parts: Uint8Array[]) => new Uint8Array(parts.flatMap((p) => [...p]));

Deno.test("TokenReview accepts a protobuf body, as Go clients send it", async () => {
  const s = await startApiServer({ http: true });
  try {
    create(s, "serviceaccounts", "default", { metadata: { name: "bot" } });
    const token = await saToken(s, "default", "bot", { audiences: ["aud-1"] });
    const typeMeta = concat(field(1, "authentication.k8s.io/v1"), field(2, "TokenReview"));
    const raw = concat(
      field(1, new Uint8Array()),
      field(2, concat(field(1, token), field(2, "aud-1"))),
    );
    const body = concat(new Uint8Array([0x6b, 0x38, 0x73, 0]), field(1, typeMeta), field(2, raw));
    const res = await fetch(`${s.url}/apis/authentication.k8s.io/v1/tokenreviews`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${s.token}`,
        "content-type": "application/vnd.kubernetes.protobuf",
      },
      body,
    });
    assert.equal(res.status, 201);
    const st = (await res.json()).status;
    assert.equal(st.authenticated, true);
    assert.deepEqual(st.audiences, ["aud-1"]);
  } finally {
    await s.stop();
  }
});
