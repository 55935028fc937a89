import assert from "node:assert/strict";
import { API_AUDIENCE, checkClaims, serviceAccountClaims, TokenSigner } from "./tokens.ts";

const now = new Date("2026-01-01T00:00:00Z");
const claims = () =>
  serviceAccountClaims({
    namespace: "ns",
    serviceAccount: { name: "bot", uid: "u1" },
    audiences: [API_AUDIENCE, "extra"],
    expirationSeconds: 600,
    now,
    bound: { kind: "Pod", ref: { name: "p", uid: "u2" }, node: { name: "n", uid: "u3" } },
  }) as unknown as Record<string, unknown>;

Deno.test("serviceAccountClaims() writes kube-apiserver's claims", () => {
  const c = claims();
  assert.equal(c.sub, "system:serviceaccount:ns:bot");
  assert.deepEqual([c.iat, c.nbf, c.exp], [1767225600, 1767225600, 1767226200]);
  assert.deepEqual(c["kubernetes.io"], {
    namespace: "ns",
    serviceaccount: { name: "bot", uid: "u1" },
    pod: { name: "p", uid: "u2" },
    node: { name: "n", uid: "u3" },
  });
});

Deno.test("checkClaims() checks time, audience and shape", () => {
  const at = (s: number) => ({
    now: new Date(now.getTime() + s * 1000),
    audiences: [API_AUDIENCE],
  });
  assert.equal(checkClaims(claims(), at(599)).ok, true);
  assert.deepEqual(checkClaims(claims(), at(600)), {
    ok: false,
    error: "service account token has expired",
  });
  assert.deepEqual(checkClaims(claims(), at(-120)), {
    ok: false,
    error: "service account token is not valid yet",
  });
  const r = checkClaims(claims(), { now, audiences: ["extra", "other"] });
  assert.deepEqual(r.ok && r.audiences, ["extra"]);
  assert.equal(checkClaims({ ...claims(), aud: "solo" }, { now, audiences: ["solo"] }).ok, true);
  assert.equal(checkClaims({ ...claims(), iss: "https://elsewhere" }, at(0)).ok, false);
  assert.equal(checkClaims({ ...claims(), "kubernetes.io": { namespace: "ns" } }, at(0)).ok, false);
});

Deno.test("TokenSigner verifies its own tokens only, and a reloaded key still verifies them", async () => {
  const a = await TokenSigner.load();
  const b = await TokenSigner.load();
  const token = await a.sign({ sub: "x" });
  assert.deepEqual(await a.verify(token), { sub: "x" });
  assert.equal(await b.verify(token), undefined);
  const reloaded = await TokenSigner.load(JSON.parse(JSON.stringify(a.jwk)));
  assert.equal(reloaded.kid, a.kid);
  assert.deepEqual(await reloaded.verify(token), { sub: "x" });
  const [h, , s] = token.split(".");
  assert.equal(await a.verify(`${h}.${btoa('{"sub":"y"}')}.${s}`), undefined);
  assert.equal(await a.verify("a.b"), undefined);
});
