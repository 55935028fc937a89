import assert from "node:assert/strict";
import { DemoError, describeFailure, Narrator } from "./narrator.ts";
import { expectLine, Shell } from "./shell.ts";

Deno.test("describeFailure names the command, how it ended and its stderr, never an empty message", () => {
  assert.equal(
    describeFailure({ command: "kubectl nmcp connect x", code: 1, stderr: "error: boom\n" }),
    "kubectl nmcp connect x exited 1\nstderr:\n  error: boom",
  );
  assert.equal(
    describeFailure({ command: "c", stderr: "", detail: "no endpoint" }),
    "c still running: no endpoint\nstderr:\n  (no stderr)",
  );
  const long = Array.from({ length: 30 }, (_, i) => `line ${i}`).join("\n");
  const cut = describeFailure({ command: "c", code: 2, stderr: long }, 3).split("\n");
  assert.deepEqual(cut, [
    "c exited 2",
    "stderr:",
    "  … (27 lines before)",
    "  line 27",
    "  line 28",
    "  line 29",
  ]);
});

Deno.test("Narrator.finish prints every line of a failure", () => {
  const lines: string[] = [];
  const say = new Narrator((l) => lines.push(l));
  say.step("Connect");
  say.finish(new DemoError("kubectl x exited 1\nstderr:\n  error: boom"));
  assert.ok(
    lines.some((l) => l.includes("Demo failed") && l.endsWith("at step 1: kubectl x exited 1")),
    lines.join("\n"),
  );
  assert.deepEqual(lines.slice(-2), ["   stderr:", "     error: boom"]);
  const empty: string[] = [];
  new Narrator((l) => empty.push(l)).finish(new Error(""));
  assert.match(empty.at(-1)!, /\(no message\)$/);
});

Deno.test("expectLine: a background command that fails shows its exit code and stderr", async () => {
  const sh = new Shell({ PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin", HOME: "/nonexistent" });
  const bg = sh.spawn(["frobnicate-nmcp-demo-test"]);
  const err = await expectLine(bg, /MCP endpoint: (\S+)/, 10_000).then(
    () => assert.fail("the command has no such line"),
    (e) => e,
  );
  assert.ok(err instanceof DemoError);
  const [first, ...rest] = err.message.split("\n");
  assert.match(first, /^kubectl frobnicate-nmcp-demo-test exited 1: Cannot find/);
  assert.ok(
    rest.some((l: string) => l.includes(`unknown command "frobnicate-nmcp-demo-test"`)),
    err.message,
  );
  sh.killAll();
});
