/**
 * kubectl vs `kubectl nmcp` on the same cluster, the same objects and the same mistakes:
 * unknown fields, absent objects, bad `-o`, apply conflicts, `--previous` without a previous
 * container. Each row runs real kubectl and the plugin and asserts the same exit code and the
 * same (or, where the verbs differ, comparable) words. One harness cluster for the file.
 */

import assert from "node:assert/strict";
import { installCrds, pluginEnv, sh, streamKubectl } from "./_cli_env.ts";
import type { RunResult } from "./_cli_env.ts";

import { startCluster } from "../harness/mod.ts";

const server = (name: string, spec: string, labels = "") =>
  `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata:
  name: ${name}${labels ? `\n  labels: {${labels}}` : ""}
spec:
${spec}`;

const FILES: Record<string, string> = {
  "typo.yaml": server("typo", "  image: mcp/everything\n  imagee: oops\n"),
  "alpha.yaml": server("alpha", "  image: mcp/everything\n  args: [stdio]\n", "team: a, app: x"),
  "alpha-changed.yaml": server("alpha", "  image: mcp/other\n  args: [stdio]\n", "team: a, app: x"),
  "beta.yaml": server("beta", "  image: mcp/everything\n  pool: small\n"),
  "pod.yaml": `apiVersion: v1
kind: Pod
metadata:
  name: alpha-pod
spec:
  containers:
  - name: mcp
    image: busybox
    command: ["sh", "-c", "echo one; echo hello; sleep 300"]
`,
};

/** One mistake (or habit): kubectl's command line and the plugin's for the same thing. */
interface Row {
  name: string;
  kubectl: string[];
  nmcp: string[];
  code: number;
  /** How the outputs compare: "same" stderr, "same-stdout", or a pattern both stderrs match. */
  compare: "same" | "same-stdout" | RegExp;
}

let env: Record<string, string> = {};
let home = "";
const path = (f: string) => `${home}/${f}`;
const kubectl = (...args: string[]) => sh(env, "kubectl", args);
const nmcp = (...args: string[]) => sh(env, "kubectl", ["nmcp", ...args]);

function check(row: Row, k: RunResult, n: RunResult): void {
  const what = `${row.name}\nkubectl: ${k.stderr}\nnmcp: ${n.stderr}`;
  assert.equal(k.code, row.code, `kubectl exit code: ${what}`);
  assert.equal(n.code, row.code, `nmcp exit code: ${what}`);
  if (row.compare === "same") assert.equal(n.stderr, k.stderr, what);
  else if (row.compare === "same-stdout") assert.equal(n.stdout, k.stdout, what);
  else {
    assert.match(k.stderr, row.compare, what);
    assert.match(n.stderr, row.compare, what);
  }
}

async function runRows(rows: Row[]): Promise<void> {
  for (const row of rows) check(row, await kubectl(...row.kubectl), await nmcp(...row.nmcp));
}

/** kubectl and kubectl nmcp agree on mistakes: exit codes and words. */
async function mistakes(): Promise<void> {
  const applied = await nmcp("apply", "-f", path("alpha.yaml"), "-f", path("beta.yaml"));
  assert.equal(applied.code, 0, applied.stderr);
  const unknown =
    /^Error from server \(BadRequest\): MCPServer in version "v1" cannot be handled as a MCPServer: strict decoding error: unknown field "spec.imagee"\n$/;
  await runRows([
    {
      name: "unknown field, strict by default",
      kubectl: ["apply", "--server-side", "-f", path("typo.yaml")],
      nmcp: ["apply", "-f", path("typo.yaml")],
      code: 1,
      compare: unknown,
    },
    {
      name: "unknown field, --validate=strict spelled out",
      kubectl: ["apply", "--server-side", "--validate=strict", "-f", path("typo.yaml")],
      nmcp: ["apply", "--validate=true", "-f", path("typo.yaml")],
      code: 1,
      compare: "same",
    },
    {
      name: "a --validate value neither knows",
      kubectl: ["apply", "--server-side", "--validate=maybe", "-f", path("typo.yaml")],
      nmcp: ["apply", "--validate=maybe", "-f", path("typo.yaml")],
      code: 1,
      compare: "same",
    },
    {
      name: "unknown field with --validate=warn: a Warning line, the field dropped",
      kubectl: [
        "apply",
        "--server-side",
        "--validate=warn",
        "--dry-run=server",
        "-f",
        path("typo.yaml"),
      ],
      nmcp: ["apply", "--validate=warn", "--dry-run=server", "-f", path("typo.yaml")],
      code: 0,
      compare: "same",
    },
    {
      name: "get of an absent server",
      kubectl: ["get", "mcpserver", "nope"],
      nmcp: ["get", "nope"],
      code: 1,
      compare: "same",
    },
    {
      name: "delete of an absent pool names it",
      kubectl: ["delete", "mcppool", "nope"],
      nmcp: ["delete", "mcppool/nope"],
      code: 1,
      compare: "same",
    },
    {
      name: "delete with a type and no name",
      kubectl: ["delete", "mcps"],
      nmcp: ["delete", "mcps"],
      code: 1,
      compare: "same",
    },
    {
      name: "an output format neither has",
      kubectl: ["get", "mcps", "-o", "xml"],
      nmcp: ["get", "-o", "xml"],
      code: 1,
      compare:
        /^error: unable to match a printer suitable for the output format "xml", allowed formats are: custom-columns,custom-columns-file,(go-template,go-template-file,)?json,jsonpath,/,
    },
    {
      name: "a flag neither knows",
      kubectl: ["get", "mcps", "--bogus"],
      nmcp: ["get", "--bogus"],
      code: 1,
      compare: /^[Ee]rror: unknown flag: --bogus\n/,
    },
    {
      name: "a broken JSONPath",
      kubectl: ["get", "mcps", "-o", "jsonpath={.items[}"],
      nmcp: ["get", "-o", "jsonpath={.items[}"],
      code: 1,
      compare: "same",
    },
    {
      name: "jsonpath without a template",
      kubectl: ["get", "mcps", "-o", "jsonpath"],
      nmcp: ["ls", "-o", "jsonpath"],
      code: 1,
      compare: "same",
    },
  ]);
}

/** an apply conflict prints kubectl's --force-conflicts hint, and --force-conflicts takes the field. */
async function conflicts(): Promise<void> {
  // kubectl co-owns alpha's image now; changing it as kubectl-nmcp (the plugin's field manager,
  // which kubectl can borrow) conflicts with "kubectl".
  const own = await kubectl(
    "apply",
    "--server-side",
    "--force-conflicts",
    "-f",
    path("alpha.yaml"),
  );
  assert.equal(own.code, 0, own.stderr);
  const k = await kubectl(
    "apply",
    "--server-side",
    "--field-manager=kubectl-nmcp",
    "-f",
    path("alpha-changed.yaml"),
  );
  const n = await nmcp("apply", "-f", path("alpha-changed.yaml"));
  assert.equal(k.code, 1);
  assert.equal(n.code, 1);
  assert.equal(n.stderr, k.stderr);
  assert.match(
    n.stderr,
    /^error: Apply failed with 1 conflict: conflict with "kubectl" using nmcp\.nwrx\.io\/v1: \.spec\.image\n/,
  );
  assert.match(n.stderr, /re-run the apply\n {2}command with the `--force-conflicts` flag/);
  const diff = await nmcp("diff", "-f", path("alpha-changed.yaml"), "--force-conflicts");
  const kdiff = await kubectl(
    "diff",
    "--server-side",
    "--force-conflicts",
    "-f",
    path("alpha-changed.yaml"),
  );
  assert.equal(diff.code, 1, diff.stderr);
  assert.equal(kdiff.code, 1, kdiff.stderr);
  const changes = (r: RunResult) => r.stdout.split("\n").filter((l) => /^[-+] /.test(l));
  assert.deepEqual(changes(diff), changes(kdiff));
  assert.ok(changes(diff).includes("+  image: mcp/other"), diff.stdout);
  const forced = await nmcp("apply", "-f", path("alpha-changed.yaml"), "--force-conflicts");
  assert.equal(forced.code, 0, forced.stderr);
  const image = await kubectl("get", "mcps", "alpha", "-o", "jsonpath={.spec.image}");
  assert.equal(image.stdout, "mcp/other");
  const same = await nmcp("diff", "-f", path("alpha-changed.yaml"));
  const ksame = await kubectl(
    "diff",
    "--server-side",
    "--field-manager=kubectl-nmcp",
    "-f",
    path("alpha-changed.yaml"),
  );
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.equal(ksame.code, 0, ksame.stdout + ksame.stderr);
  const broken = [
    await nmcp("diff", "-f", path("none.yaml")),
    await kubectl("diff", "-f", path("none.yaml")),
  ];
  assert.deepEqual(broken.map((r) => r.code), [2, 2]);
  for (const r of broken) {
    assert.match(r.stderr, /^error: .*none\.yaml.*(no such file|does not exist)/);
  }
}

/** jsonpath, custom-columns, -o name and --show-labels print what kubectl prints. */
async function printers(): Promise<void> {
  const templates = [
    "{.items[*].metadata.name}",
    '{range .items[*]}{.metadata.name}{"\\t"}{.spec.pool}{"\\n"}{end}',
    '{.items[?(@.spec.pool=="small")].metadata.name}',
    "{.items[0].metadata.labels}",
    "{.items[0].spec}",
    "{.kind} {.items[1].spec.args} {.items[0].nothing}",
  ];
  for (const t of templates) {
    const k = await kubectl("get", "mcps", "-o", `jsonpath=${t}`);
    const n = await nmcp("get", "-o", `jsonpath=${t}`);
    assert.equal(k.code, 0, k.stderr);
    assert.equal(n.stdout, k.stdout, t);
  }
  const one = ["-o", "jsonpath={.metadata.name} {.spec.image}"];
  assert.equal(
    (await nmcp("get", "beta", ...one)).stdout,
    (await kubectl("get", "mcps", "beta", ...one)).stdout,
  );
  const cols =
    "custom-columns=NAME:.metadata.name,POOL:.spec.pool,NONE:.spec.nothing,TRANSPORT:.spec.transport";
  assert.equal(
    (await nmcp("get", "-o", cols)).stdout,
    (await kubectl("get", "mcps", "-o", cols)).stdout,
  );
  await Deno.writeTextFile(path("cols.txt"), "NAME IMAGE\n.metadata.name .spec.image\n");
  const file = `custom-columns-file=${path("cols.txt")}`;
  assert.equal(
    (await nmcp("get", "-o", file)).stdout,
    (await kubectl("get", "mcps", "-o", file)).stdout,
  );
  assert.equal(
    (await nmcp("get", "-o", "name")).stdout,
    (await kubectl("get", "mcps", "-o", "name")).stdout,
  );
  const labels = (r: RunResult) => r.stdout.trimEnd().split("\n").map((l) => l.split(/\s+/).at(-1));
  const k = await kubectl("get", "mcps", "--show-labels");
  const n = await nmcp("get", "--show-labels");
  assert.deepEqual(labels(n), labels(k));
  assert.deepEqual(labels(n), ["LABELS", "app=x,team=a", "<none>"]);
  const ls = await nmcp("ls", "--show-labels");
  assert.deepEqual(labels(ls), ["LABELS", "app=x,team=a", "<none>"]);
}

/** get and ls share column order and <none>; delete --all/-l and --dry-run=server match kubectl. */
async function tablesAndDeletes(): Promise<void> {
  const get = await nmcp("get");
  const ls = await nmcp("ls");
  const head = (r: RunResult) => r.stdout.split("\n")[0].split(/\s{2,}/);
  assert.deepEqual(head(ls), head(get));
  const betaRow = (r: RunResult) =>
    r.stdout.split("\n").find((l) => /^(mcpserver\/)?beta\s/.test(l))!;
  assert.deepEqual(betaRow(ls).split(/\s+/).slice(1, -1), betaRow(get).split(/\s+/).slice(1, -1));
  await runRows([
    {
      name: "delete --all --dry-run=server",
      kubectl: ["delete", "mcps", "--all", "--dry-run=server"],
      nmcp: ["delete", "mcps", "--all", "--dry-run=server"],
      code: 0,
      compare: "same-stdout",
    },
    {
      name: "delete -l --dry-run=client",
      kubectl: ["delete", "mcps", "-l", "team=a", "--dry-run=client"],
      nmcp: ["delete", "mcps", "-l", "team=a", "--dry-run=client"],
      code: 0,
      compare: "same-stdout",
    },
    {
      name: "delete -l with a name",
      kubectl: ["delete", "mcps", "alpha", "-l", "team=a"],
      nmcp: ["delete", "mcps", "alpha", "-l", "team=a"],
      code: 1,
      compare: "same",
    },
  ]);
  const still = await kubectl("get", "mcps", "-o", "name");
  assert.equal(still.stdout, "mcpserver.nmcp.nwrx.io/alpha\nmcpserver.nmcp.nwrx.io/beta\n");
}

/** logs --previous without a previous container says what kubectl says. */
async function previousLogs(): Promise<void> {
  const pod = await kubectl("apply", "-f", path("pod.yaml"));
  assert.equal(pod.code, 0, pod.stderr);
  const status = await kubectl(
    "patch",
    "mcps",
    "alpha",
    "--subresource=status",
    "--type=merge",
    "-p",
    '{"status":{"podName":"alpha-pod"}}',
  );
  assert.equal(status.code, 0, status.stderr);
  let current: RunResult | undefined;
  for (let i = 0; i < 40; i++) {
    current = await nmcp("logs", "alpha");
    if (current.stdout === "one\nhello\n") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert.equal(current?.stdout, "one\nhello\n", current?.stderr ?? "no run");
  const tail = await nmcp("logs", "alpha", "--tail", "1");
  assert.equal(tail.stdout, (await kubectl("logs", "alpha-pod", "-c", "mcp", "--tail=1")).stdout);
  assert.equal(tail.stdout, "hello\n");
  await followsLogs();
  check(
    { name: "logs --previous", kubectl: [], nmcp: [], code: 1, compare: "same" },
    await kubectl("logs", "alpha-pod", "-c", "mcp", "--previous"),
    await nmcp("logs", "alpha", "--previous"),
  );
}

/** `logs -f` streams: the lines so far arrive while the container still runs. */
async function followsLogs(): Promise<void> {
  const follow = streamKubectl(env, ["nmcp", "logs", "alpha", "-f"]);
  try {
    assert.equal(await follow.until((seen) => seen.includes("hello\n")), "one\nhello\n");
  } finally {
    await follow.stop();
  }
}

/** version prints the plugin's and the API server's versions, and the CRDs'. */
async function versions(): Promise<void> {
  const k = await kubectl("version");
  const n = await nmcp("version");
  assert.equal(n.code, 0, n.stderr);
  const serverLine = (r: RunResult) =>
    r.stdout.split("\n").find((l) => l.startsWith("Server Version:"));
  assert.equal(serverLine(n), serverLine(k));
  assert.match(n.stdout, /^Client Version: v\d+\.\d+\.\d+\n/);
  assert.match(n.stdout, /^Operator Version: <not installed>$/m);
  assert.match(
    n.stdout,
    /^CRD Versions: mcpservers\.nmcp\.nwrx\.io v1, mcppools\.nmcp\.nwrx\.io v1$/m,
  );
  const json = JSON.parse((await nmcp("version", "-o", "json")).stdout);
  assert.equal(json.serverVersion, serverLine(k)!.split(": ")[1]);
}

Deno.test("kubectl and kubectl nmcp, side by side on one cluster", async (t) => {
  const cluster = await startCluster();
  home = await Deno.makeTempDir({ prefix: "nmcp-parity-" });
  try {
    env = await pluginEnv({ ...cluster.env(), HOME: home });
    await installCrds(env);
    for (const [f, text] of Object.entries(FILES)) await Deno.writeTextFile(path(f), text);
    await t.step("kubectl and kubectl nmcp agree on mistakes: exit codes and words", mistakes);
    await t.step(
      "an apply conflict prints kubectl's --force-conflicts hint, and --force-conflicts takes the field",
      conflicts,
    );
    await t.step(
      "jsonpath, custom-columns, -o name and --show-labels print what kubectl prints",
      printers,
    );
    await t.step(
      "get and ls share column order and <none>; delete --all/-l and --dry-run=server match kubectl",
      tablesAndDeletes,
    );
    await t.step(
      "logs --previous without a previous container says what kubectl says",
      previousLogs,
    );
    await t.step(
      "version prints the plugin's and the API server's versions, and the CRDs'",
      versions,
    );
  } finally {
    await cluster.stop();
    await Deno.remove(home, { recursive: true });
  }
});
