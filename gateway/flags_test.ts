import assert from "node:assert/strict";
import { parseFlags } from "./flags.ts";

Deno.test("parseFlags applies the README defaults and keeps the command after --", () => {
  const p = parseFlags(["--stdio", "--", "node", "server.js", "--port", "9"]);
  assert.ok(!p.help);
  assert.deepEqual(p.command, ["node", "server.js", "--port", "9"]);
  assert.equal(p.flags.stdio, true);
  assert.equal(p.flags.host, "0.0.0.0");
  assert.equal(p.flags.port, 8080);
  assert.equal(p.flags.maxBody, 4 * 1024 * 1024);
  assert.equal(p.flags.maxSessions, 1000);
  assert.equal(p.flags.sessionIdleTimeout, 1800);
  assert.deepEqual(
    [p.flags.maxSessionsPerClient, p.flags.sessionUnusedTimeout, p.flags.requestTimeout],
    [100, 60, 600],
  );
  assert.deepEqual([p.flags.bodyTimeout, p.flags.drainTimeout, p.flags.headerTimeout], [
    30,
    10,
    10,
  ]);
  assert.equal(p.flags.loopbackRequiresToken, undefined);
  assert.equal(p.flags.logLevel, "info");
  assert.equal(p.flags.allowedHosts, undefined);
});

Deno.test("parseFlags reads every value flag, in both --k v and --k=v forms", () => {
  const p = parseFlags([
    "--host=127.0.0.1",
    "--port",
    "0",
    "--fifo",
    "/nmcp",
    "--allowed-hosts=a, b,,*",
    "--allowed-origins",
    "http://x",
    "--token-env",
    "TOK",
    "--max-body",
    "10",
    "--max-sessions=3",
    "--session-idle-timeout",
    "5",
    "--request-timeout=7",
    "--max-sessions-per-client=4",
    "--session-unused-timeout=8",
    "--body-timeout=9",
    "--header-timeout=0",
    "--drain-timeout=2",
    "--log-level",
    "debug",
    "--ready-file",
    "/tmp/r",
    "--per-session",
    "--loopback-requires-token",
    "--tools-policy",
    '{"deny":["x"]}',
    "--tools-policy-file=/etc/p.json",
  ]);
  assert.ok(!p.help);
  assert.equal(p.flags.host, "127.0.0.1");
  assert.equal(p.flags.port, 0);
  assert.equal(p.flags.fifo, "/nmcp");
  assert.deepEqual(p.flags.allowedHosts, ["a", "b", "*"]);
  assert.deepEqual(p.flags.allowedOrigins, ["http://x"]);
  assert.equal(p.flags.tokenEnv, "TOK");
  assert.deepEqual([p.flags.maxBody, p.flags.maxSessions, p.flags.sessionIdleTimeout], [10, 3, 5]);
  assert.equal(p.flags.requestTimeout, 7);
  assert.deepEqual(
    [p.flags.maxSessionsPerClient, p.flags.sessionUnusedTimeout, p.flags.bodyTimeout],
    [4, 8, 9],
  );
  assert.equal(p.flags.drainTimeout, 2);
  assert.equal(p.flags.headerTimeout, 0);
  assert.equal(p.flags.logLevel, "debug");
  assert.equal(p.flags.readyFile, "/tmp/r");
  assert.equal(p.flags.perSession, true);
  assert.equal(p.flags.loopbackRequiresToken, true);
  assert.equal(p.flags.toolsPolicy, '{"deny":["x"]}');
  assert.equal(p.flags.toolsPolicyFile, "/etc/p.json");
});

Deno.test("parseFlags asks for help on --help and -h", () => {
  assert.deepEqual(parseFlags(["--help"]), { help: true });
  assert.deepEqual(parseFlags(["-h"]), { help: true });
});

Deno.test("parseFlags refuses unknown flags and bad integers with one line", () => {
  for (const argv of [["--nope"], ["--port", "-1"], ["--max-body", "x"], ["--port"]]) {
    assert.throws(() => parseFlags(argv), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.ok(!e.message.includes("\n"), e.message);
      return /^Cannot parse/.test(e.message);
    }, argv.join(" "));
  }
});

Deno.test("parseFlags keeps bare words as the command and refuses values on switches", () => {
  const p = parseFlags(["--stdio", "cat", "-"]);
  assert.ok(!p.help);
  assert.deepEqual(p.command, ["cat", "-"]);
  assert.throws(() => parseFlags(["--stdio=yes"]), /takes no value/);
  assert.throws(() => parseFlags(["-x"]), /unknown option "-x"/);
});

Deno.test("parseFlags reads --virtual, --declared-file and --server-name", () => {
  const p = parseFlags(["--virtual", "--declared-file", "/etc/nmcp/declared/declared.json"]);
  assert.ok(!p.help);
  assert.equal(p.flags.virtual, true);
  assert.equal(p.flags.declaredFile, "/etc/nmcp/declared/declared.json");
  assert.equal(p.flags.serverName, undefined);
  const q = parseFlags(["--http", "http://x", "--declared-file=f", "--server-name=team"]);
  assert.ok(!q.help);
  assert.deepEqual([q.flags.virtual, q.flags.declaredFile, q.flags.serverName], [
    undefined,
    "f",
    "team",
  ]);
  assert.throws(() => parseFlags(["--virtual=yes"]), /takes no value/);
});
