import assert from "node:assert/strict";
import type { Caller } from "../caller.ts";
import { globToRegExp } from "../glob.ts";
import { compileToolPolicy, parseToolPolicy } from "./tool_policy.ts";
import type { ToolPolicy } from "./types.ts";

const alice: Caller = { username: "alice", groups: ["dev"], source: "kubernetes" };
const root: Caller = { username: "ops", uid: "u1", groups: ["dev", "admins"], source: "oauth" };

function policy(spec: unknown): ToolPolicy {
  const c = compileToolPolicy(spec);
  if (!c.ok) throw new Error(c.errors.join("; "));
  return c.policy;
}

Deno.test("globToRegExp() anchors, treats * and ? as wildcards and the rest literally", () => {
  assert.ok(globToRegExp("get-*").test("get-env"));
  assert.ok(!globToRegExp("get-*").test("xget-env"));
  assert.ok(globToRegExp("a?c").test("abc") && !globToRegExp("a?c").test("abbc"));
  assert.ok(globToRegExp("a.b").test("a.b") && !globToRegExp("a.b").test("axb"));
  assert.ok(globToRegExp("(x)[y]").test("(x)[y]"));
});

Deno.test("compileToolPolicy(): absent allow admits all, deny wins over allow, messages name the glob", () => {
  const open = policy({});
  assert.equal(open.checkCall(alice, "anything", {}), null);
  const p = policy({ allow: ["get-*", "echo"], deny: ["get-env*"] });
  assert.equal(p.checkCall(alice, "echo", {}), null);
  assert.equal(p.checkCall(alice, "get-sum", {}), null);
  assert.equal(
    p.checkCall(alice, "get-env", {}),
    `Tool "get-env" is not allowed by the server's tool policy (deny: "get-env*")`,
  );
  assert.equal(
    p.checkCall(alice, "add", {}),
    `Tool "add" is not allowed by the server's tool policy (allow: "get-*", "echo")`,
  );
  assert.ok(p.shows(alice, "echo") && !p.shows(alice, "get-env") && !p.shows(alice, "add"));
  assert.ok(!p.shows(alice, 42));
  assert.match(p.checkCall(alice, undefined, {}) ?? "", /must be a string/);
  assert.ok(policy({ allow: [] }).shows(alice, "x"));
});

Deno.test("compileToolPolicy(): CEL rules over caller groups and arguments must all be true", () => {
  const p = policy({
    rules: [
      { expression: 'tool.name != "delete" || "admins" in caller.groups', message: "admins only" },
      { expression: '!has(tool.arguments.path) || tool.arguments.path.startsWith("/tmp/")' },
      { expression: "!has(tool.arguments.n) || tool.arguments.n < 10" },
    ],
  });
  assert.equal(p.checkCall(root, "delete", { path: "/tmp/x" }), null);
  assert.equal(
    p.checkCall(alice, "delete", {}),
    `Tool "delete" is not allowed by the server's tool policy (rules[0]: admins only)`,
  );
  assert.match(p.checkCall(alice, "read", { path: "/etc/passwd" }) ?? "", /\(rules\[1\]: !has/);
  assert.equal(p.checkCall(alice, "add", { n: 3 }), null);
  assert.match(p.checkCall(alice, "add", { n: 12 }) ?? "", /rules\[2\]/);
  assert.equal(p.checkCall(alice, "add", undefined), null); // no arguments: {}
  // Listing hides what a rule refuses for this caller, without arguments.
  assert.ok(p.shows(root, "delete") && !p.shows(alice, "delete") && p.shows(alice, "read"));
});

Deno.test("compileToolPolicy(): a rule that errors or returns a non-bool denies the call", () => {
  const p = policy({
    rules: [{ expression: "tool.arguments.n > 1" }, { expression: "tool.arguments.n" }],
  });
  // Missing key: evaluation error → denied, never silently allowed; listing cannot decide.
  assert.match(p.checkCall(alice, "t", {}) ?? "", /\(rules\[0\] failed: No such key: n\)$/);
  assert.ok(p.shows(alice, "t"));
  assert.match(
    p.checkCall(alice, "t", { n: 5 }) ?? "",
    /\(rules\[1\] returned bigint, not bool\)$/,
  );
  // A rule whose type is known not to be bool is refused before it can run.
  const typed = compileToolPolicy({ rules: [{ expression: "caller.groups" }] });
  assert.ok(!typed.ok);
  assert.match(typed.errors[0], /rules\[0\] "caller.groups": returns list<string>, not bool$/);
  const uid = policy({ rules: [{ expression: 'caller.uid == "u1" && caller.source == "oauth"' }] });
  assert.equal(uid.checkCall(root, "t", {}), null);
  assert.match(uid.checkCall(alice, "t", {}) ?? "", /rules\[0\]/);
});

Deno.test("compileToolPolicy() reports every bad field and rule in one-line errors", () => {
  const c = compileToolPolicy({
    allow: "x",
    deny: [1],
    rules: [{ expression: "(((" }, { expression: "1 + 2" }, { expression: "foo" }, { nope: 1 }],
    extra: true,
  });
  assert.ok(!c.ok);
  assert.deepEqual(c.errors.map((e) => e.replace(/: .*/, "")), [
    "Cannot read tool policy",
    "Cannot read tool policy allow",
    "Cannot read tool policy deny",
    'Cannot compile tool policy rules[0] "((("',
    'Cannot compile tool policy rules[1] "1 + 2"',
    'Cannot compile tool policy rules[2] "foo"',
    "Cannot read tool policy rules[3]",
  ]);
  assert.match(c.errors[4], /returns int, not bool$/);
  assert.match(c.errors[5], /Unknown variable: foo$/);
  for (const e of c.errors) assert.ok(!e.includes("\n"), e);
  const bad = parseToolPolicy("{nope");
  assert.ok(!bad.ok && /^Cannot parse tool policy: /.test(bad.errors[0]));
  assert.ok(!compileToolPolicy(null).ok && !compileToolPolicy([]).ok);
  assert.ok(parseToolPolicy('{"deny":["x"]}').ok);
});
