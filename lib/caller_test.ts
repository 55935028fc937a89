import assert from "node:assert/strict";
import { type Caller, decodeCaller, encodeCaller } from "./caller.ts";

Deno.test("encodeCaller() round-trips through decodeCaller(), unicode and uid included", () => {
  const c: Caller = {
    username: "system:serviceaccount:team-a:bot",
    uid: "u-1",
    groups: ["system:serviceaccounts", "équipe,a"],
    source: "kubernetes",
  };
  assert.deepEqual(decodeCaller(encodeCaller(c)), c);
  const noUid: Caller = { username: "alice", groups: [], source: "oauth" };
  assert.deepEqual(decodeCaller(encodeCaller(noUid)), noUid);
});

Deno.test("decodeCaller() rejects malformed values instead of guessing", () => {
  assert.equal(decodeCaller(null), undefined);
  assert.equal(decodeCaller(""), undefined);
  assert.equal(decodeCaller("not base64 json"), undefined);
  const enc = (v: unknown) => btoa(JSON.stringify(v)).replace(/=+$/, "");
  assert.equal(decodeCaller(enc({ username: 1, groups: [], source: "local" })), undefined);
  assert.equal(decodeCaller(enc({ username: "a", groups: [1], source: "local" })), undefined);
  assert.equal(decodeCaller(enc({ username: "a", groups: [], source: "root" })), undefined);
  assert.equal(decodeCaller("a".repeat(20_000)), undefined);
});
