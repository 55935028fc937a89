import assert from "node:assert/strict";
import { callerFromClaims, CLAIM_LIMITS, grantedScopes, missingScopes } from "./claims.ts";

const mapping = { usernameClaim: "sub", groupsClaim: "groups", prefix: "oidc:" };

Deno.test("grantedScopes() reads the scope string or the scp array", () => {
  const cases: [Record<string, unknown>, string[]][] = [
    [{ scope: "a  b c" }, ["a", "b", "c"]],
    [{ scp: ["a", 1, "b"] }, ["a", "b"]],
    [{ scp: "a b" }, ["a", "b"]],
    [{ scope: "a", scp: ["b"] }, ["a"]],
    [{}, []],
    [{ scope: 7 }, []],
  ];
  for (const [claims, want] of cases) {
    assert.deepEqual(grantedScopes(claims), want, JSON.stringify(claims));
  }
});

Deno.test("missingScopes() lists the required scopes not granted, in order", () => {
  assert.deepEqual(missingScopes(["b"], ["a", "b", "c"]), ["a", "c"]);
  assert.deepEqual(missingScopes(["a", "b"], ["a"]), []);
  assert.deepEqual(missingScopes([], []), []);
});

Deno.test("callerFromClaims() prefixes the username and every group", () => {
  assert.deepEqual(callerFromClaims({ sub: "alice", groups: ["dev", "dev", "ops"] }, mapping), {
    ok: true,
    caller: { username: "oidc:alice", groups: ["oidc:dev", "oidc:ops"], source: "oauth" },
  });
  assert.deepEqual(
    callerFromClaims({ email: "a@x.io", roles: "admin" }, {
      usernameClaim: "email",
      groupsClaim: "roles",
      prefix: "x:",
    }),
    { ok: true, caller: { username: "x:a@x.io", groups: ["x:admin"], source: "oauth" } },
  );
  assert.deepEqual(callerFromClaims({ sub: "bob" }, mapping), {
    ok: true,
    caller: { username: "oidc:bob", groups: [], source: "oauth" },
  });
});

Deno.test("callerFromClaims() refuses claims that cannot name a caller", () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'claim "sub" is missing or not a string'],
    [{ sub: "" }, 'claim "sub" is missing or not a string'],
    [{ sub: 42 }, 'claim "sub" is missing or not a string'],
    [{ sub: "x".repeat(CLAIM_LIMITS.usernameLength + 1) }, 'claim "sub" is too long'],
    [{ sub: "a", groups: [1] }, 'claim "groups" is not a string or a list of strings'],
    [{ sub: "a", groups: { x: 1 } }, 'claim "groups" is not a string or a list of strings'],
    [
      { sub: "a", groups: Array.from({ length: CLAIM_LIMITS.groups + 1 }, (_, i) => `g${i}`) },
      `claim "groups" has more than ${CLAIM_LIMITS.groups} groups`,
    ],
    [
      { sub: "a", groups: [""] },
      `claim "groups" has an empty group or one longer than ${CLAIM_LIMITS.groupLength}`,
    ],
  ];
  for (const [claims, reason] of cases) {
    assert.deepEqual(callerFromClaims(claims, mapping), { ok: false, reason });
  }
});
