import assert from "node:assert/strict";
import { allCrds } from "../lib/api/mod.ts";
import { captureIO } from "./io.ts";
import { buildProgram, main } from "./main.ts";

Deno.test("main() prints help on --help and on no verb, exit 0", async () => {
  const io = captureIO();
  assert.equal(await main(["--help"], io), 0);
  assert.match(io.stdout.join(""), /Usage: kubectl nmcp/);
  const bare = captureIO();
  assert.equal(await main([], bare), 0);
  assert.match(bare.stdout.join(""), /connect \[options\] <name>/);
});

Deno.test("main() rejects a bad -o value with kubectl's line and exit 1, before any request", async () => {
  for (const verb of ["get", "ls"]) {
    const io = captureIO();
    // No kubeconfig is read: the format is checked first.
    assert.equal(await main([verb, "-o", "xml", "--kubeconfig", "/nonexistent"], io), 1);
    assert.deepEqual(io.stderr, [
      'error: unable to match a printer suitable for the output format "xml", allowed formats ' +
      "are: custom-columns,custom-columns-file,json,jsonpath,jsonpath-file,name,wide,yaml\n",
    ]);
    assert.equal(io.stdout.join(""), "");
  }
});

Deno.test("every registered command's --help has an Examples section", async () => {
  const program = buildProgram(() => {}, captureIO());
  const names = program.commands.map((c) => c.name());
  assert.ok(names.length >= 17, names.join(","));
  for (const name of names) {
    const io = captureIO();
    assert.equal(await main([name, "--help"], io), 0, name);
    assert.match(io.stdout.join(""), /\nExamples:\n {2}(kubectl nmcp|source|KUBECTL)/, name);
  }
});

Deno.test("main() prints version --client without a cluster, and errors in kubectl's format", async () => {
  const io = captureIO();
  assert.equal(await main(["version", "--client"], io), 0);
  assert.match(io.stdout.join(""), /^Client Version: v\d+\.\d+\.\d+\n$/);
  const bad = captureIO();
  assert.equal(await main(["apply", "-f", "x.yaml", "--validate=maybe"], bad), 1);
  assert.deepEqual(bad.stderr, [
    'error: invalid - validate option "maybe"; must be one of: strict (or true), warn, ignore (or false)\n',
  ]);
  const none = captureIO();
  assert.equal(await main(["delete"], none), 1);
  assert.match(none.stderr.join(""), /^error: You must provide one or more resources/);
});

Deno.test("main() reports a missing kubeconfig in one line, stack only with -v", async () => {
  const quiet = captureIO();
  assert.equal(await main(["ls", "--kubeconfig", "/nonexistent/kubeconfig"], quiet), 1);
  assert.deepEqual(quiet.stderr, [
    'error: Cannot load kubeconfig "/nonexistent/kubeconfig": file not found (set KUBECONFIG or --kubeconfig)\n',
  ]);
  const loud = captureIO();
  assert.equal(await main(["-v", "ls", "--kubeconfig", "/nonexistent/kubeconfig"], loud), 1);
  assert.match(loud.stderr.join(""), /at readKubeconfigFiles/);
});

Deno.test("main() prints export YAML and completion scripts without a cluster", async () => {
  const io = captureIO();
  assert.equal(await main(["export", "--type", "crd"], io), 0);
  const yaml = io.stdout.join("");
  assert.equal(yaml.split("---\n").length, allCrds().length);
  assert.match(yaml, /name: mcpservers.nmcp.nwrx.io/);
  const pool = captureIO();
  assert.equal(await main(["export", "--type", "crd", "--resource", "pool"], pool), 0);
  assert.doesNotMatch(pool.stdout.join(""), /---|mcpservers/);
  assert.match(pool.stdout.join(""), /name: mcppools.nmcp.nwrx.io/);
  const all = captureIO();
  assert.equal(await main(["export", "--version", "v1.2.3"], all), 0);
  assert.match(all.stdout.join(""), /image: ghcr.io\/nwrx\/nmcp:v1.2.3/);
  assert.match(all.stdout.join(""), /kind: Deployment/);
  const bash = captureIO();
  assert.equal(await main(["completion", "bash"], bash), 0);
  assert.match(bash.stdout.join(""), /complete -o default -F _kubectl_nmcp kubectl-nmcp\n/);
  assert.match(bash.stdout.join(""), /complete -o default -F _kubectl_nmcp_kubectl kubectl\n/);
});

Deno.test("main() answers __complete with candidates then :directive", async () => {
  const io = captureIO();
  assert.equal(await main(["__complete", "completion", ""], io), 0);
  assert.equal(io.stdout.join(""), "bash\nzsh\nfish\n:4\n");
});

Deno.test("main() lists the operator and gateway verbs with unmcp's options", async () => {
  const io = captureIO();
  assert.equal(await main(["--help"], io), 0);
  assert.match(io.stdout.join(""), /operator \[options\]\s+run the operator here/);
  assert.match(io.stdout.join(""), /gateway \[options\]\s+run only the router and management API/);
  const op = captureIO();
  assert.equal(await main(["operator", "--help"], op), 0);
  for (const flag of ["--host", "--port", "--disable-operator", "--disable-api", "--log-level"]) {
    assert.match(op.stdout.join(""), new RegExp(flag));
  }
  const gw = captureIO();
  assert.equal(await main(["gateway", "--help"], gw), 0);
  assert.doesNotMatch(
    gw.stdout.join(""),
    /^\s+--disable-operator/m,
    "gateway is --disable-operator",
  );
  const bad = captureIO();
  assert.equal(await main(["gateway", "--port", "99999"], bad), 1);
  assert.match(bad.stderr.join(""), /Cannot listen on port "99999": expected 0-65535/);
});

Deno.test("main() version prints the client line, then kubectl-style error, when the cluster is unreachable", async () => {
  const dir = await Deno.makeTempDir();
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (closed.addr as Deno.NetAddr).port;
  closed.close();
  try {
    const kubeconfig = `${dir}/config`;
    await Deno.writeTextFile(
      kubeconfig,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}"}}]
users: [{name: u, user: {token: t}}]
contexts: [{name: x, context: {cluster: c, user: u}}]
current-context: x
`,
    );
    const io = captureIO();
    assert.equal(await main(["version", "--kubeconfig", kubeconfig], io), 1);
    assert.match(io.stdout.join(""), /^Client Version: v\d+\.\d+\.\d+\n$/);
    assert.match(
      io.stderr.join(""),
      new RegExp(`^error: Cannot reach the Kubernetes API.*127.0.0.1:${port}.*check --context`),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
