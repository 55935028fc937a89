import assert from "node:assert/strict";
import { checkToolRule, toolRuleEnvironment } from "./tool_rules.ts";

Deno.test("checkToolRule() accepts bool rules over caller and tool, refuses the rest", () => {
  assert.equal(
    checkToolRule('"admins" in caller.groups || tool.name.startsWith("read_")'),
    undefined,
  );
  assert.equal(
    checkToolRule('has(tool.arguments.path) && tool.arguments.path == "/tmp"'),
    undefined,
  );
  assert.match(checkToolRule("tool.name")!, /returns string, not bool/);
  assert.match(checkToolRule("caller.nope")!, /No such key: nope/);
  assert.match(checkToolRule("1 +")!, /Unexpected token/);
  assert.match(checkToolRule("request.user == 'x'")!, /request/);
});

Deno.test("toolRuleEnvironment() evaluates a rule against a caller and a call", () => {
  const env = toolRuleEnvironment();
  const ctx = (groups: string[]) => ({
    caller: { username: "u", groups, source: "kubernetes" },
    tool: { name: "write_file", arguments: { path: "/tmp/x" } },
  });
  const rule = '"writers" in caller.groups && tool.arguments.path.startsWith("/tmp/")';
  assert.equal(env.evaluate(rule, ctx(["writers"])), true);
  assert.equal(env.evaluate(rule, ctx([])), false);
});
