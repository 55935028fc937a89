/**
 * Trust end to end on a harness cluster that enforces RBAC: the operator runs as its own
 * ServiceAccount with only the ClusterRole `kubectl nmcp install` ships; three callers (none,
 * another namespace's ServiceAccount, a ServiceAccount granted one server) try the router and
 * every management verb; `kubectl auth can-i` agrees with the router; the attacker sequence of
 * issue 18 is refused at every step; a pod reached directly wants its token; the pod passes the
 * restricted Pod Security Standard; a user with `edit` connects through `kubectl nmcp connect`.
 */

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { restrictedViolations } from "../../operator/build/pod_security_standard.ts";
import { operatorManifests } from "../../operator/mod.ts";
import { kubeconfigYaml } from "../harness/apiserver/kubeconfig.ts";
import { pluginEnv, sh } from "./_cli_env.ts";
import {
  everything,
  INITIALIZE,
  MCP_HEADERS,
  type OperatorEnv,
  startOperatorEnv,
} from "./operator_env.ts";

const RBAC_KINDS = new Set(["ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role"]);

/** Installs the operator's RBAC as `install` does and returns a kubeconfig of its ServiceAccount. */
async function operatorKubeconfig(e: OperatorEnv): Promise<string> {
  const objs = operatorManifests({ namespace: "nmcp-system" })
    .filter((o) => RBAC_KINDS.has(o.kind) || o.kind === "RoleBinding");
  await e.k(
    ["apply", "--server-side", "-f", "-"],
    objs.map((o) => JSON.stringify(o)).join("\n"),
  );
  const token = (await e.k(["create", "token", "nmcp-operator", "-n", "nmcp-system"])).trim();
  const path = `${e.env.HOME}/operator.kubeconfig`;
  await Deno.writeTextFile(
    path,
    kubeconfigYaml({
      url: e.cluster.url,
      token,
      caCertPem: e.cluster.apiServer.caCertPem,
      namespace: "nmcp-system",
    }),
  );
  return path;
}

/** Namespaces, two ServiceAccounts, a Role naming one server, the server; returns SA tokens. */
async function tenants(e: OperatorEnv) {
  for (const ns of ["team-a", "team-b"]) await e.k(["create", "namespace", ns]);
  await e.k(["create", "serviceaccount", "bot", "-n", "team-a"]);
  await e.k(["create", "serviceaccount", "intruder", "-n", "team-b"]);
  await e.k([
    "create",
    "role",
    "use-echo",
    "-n",
    "team-a",
    "--verb=get",
    "--resource=mcpservers.nmcp.nwrx.io/connect",
    "--resource-name=echo",
  ]);
  await e.k([
    "create",
    "rolebinding",
    "bot-uses-echo",
    "-n",
    "team-a",
    "--role=use-echo",
    "--serviceaccount=team-a:bot",
  ]);
  const echo = JSON.parse(everything("echo"));
  echo.metadata.namespace = "team-a";
  await e.k(["apply", "-f", "-"], JSON.stringify(echo));
  const token = async (ns: string, sa: string) =>
    (await e.k(["create", "token", sa, "-n", ns])).trim();
  return { bot: await token("team-a", "bot"), intruder: await token("team-b", "intruder") };
}

async function canI(e: OperatorEnv, as: string, args: string[]): Promise<boolean> {
  const r = await e.kubectl(["auth", "can-i", ...args, `--as=${as}`]);
  assert.match(r.stdout, /^(yes|no)\n$/, r.stderr);
  return r.code === 0;
}

function call(url: string, token: string | undefined, init: RequestInit = {}) {
  const headers = new Headers(init.headers);
  if (token !== undefined) headers.set("authorization", `Bearer ${token}`);
  return fetch(url, { ...init, headers, signal: AbortSignal.timeout(150_000) }).then(async (r) => ({
    status: r.status,
    challenge: r.headers.get("www-authenticate"),
    body: await r.text(),
  }));
}

Deno.test("only callers the cluster admits reach a server, and only what RBAC grants them", async () => {
  const e = await startOperatorEnv();
  try {
    const op = await e.startOperator([], "op-sa", await operatorKubeconfig(e));
    const t = await tenants(e);
    const router = `${op.url}/servers/team-a/echo/mcp`;
    const post = { method: "POST", headers: MCP_HEADERS, body: INITIALIZE };

    // Unauthenticated and unknown tokens: 401 with a Bearer challenge, the server untouched.
    for (const token of [undefined, "not-a-token"]) {
      const r = await call(router, token, post);
      assert.equal(r.status, 401, r.body);
      assert.match(r.challenge ?? "", /^Bearer realm="nmcp"/);
    }

    // Another namespace's ServiceAccount: 403 worded like the API server, for a server that
    // exists and one that does not (no existence oracle); kubectl auth can-i says the same.
    const intruder = "system:serviceaccount:team-b:intruder";
    for (const name of ["echo", "nope"]) {
      const r = await call(`${op.url}/servers/team-a/${name}/mcp`, t.intruder, post);
      assert.equal(r.status, 403);
      assert.equal(
        JSON.parse(r.body).message,
        `mcpservers.nmcp.nwrx.io "${name}" is forbidden: User "${intruder}" cannot get ` +
          `resource "mcpservers/connect" in API group "nmcp.nwrx.io" in the namespace "team-a"`,
      );
    }
    const connectEcho = ["get", "mcpservers/echo", "--subresource=connect", "-n", "team-a"];
    assert.equal(await canI(e, intruder, connectEcho), false);
    const bot = "system:serviceaccount:team-a:bot";
    assert.equal(await canI(e, bot, connectEcho), true);
    assert.equal(
      await canI(e, bot, ["get", "mcpservers/other", "--subresource=connect", "-n", "team-a"]),
      false,
    );
    assert.equal((await call(`${op.url}/servers/team-a/other/mcp`, t.bot, post)).status, 403);

    // The granted ServiceAccount: a real MCP client wakes the server and calls a tool.
    const transport = new StreamableHTTPClientTransport(new URL(router), {
      requestInit: { headers: { authorization: `Bearer ${t.bot}` } },
    });
    const client = new Client({ name: "trust-test", version: "1.0.0" });
    await client.connect(transport, { timeout: 150_000 });
    try {
      const result = await client.callTool({ name: "echo", arguments: { message: "trusted" } });
      assert.deepEqual(result.content, [{ type: "text", text: "Echo: trusted" }]);
    } finally {
      await client.close();
    }

    // The router forwards only MCP paths; the gateway's internals stay inside the pod.
    for (const rest of ["activity", "metrics", "healthz"]) {
      const r = await call(`${op.url}/servers/team-a/echo/${rest}`, t.bot);
      assert.equal(r.status, 404, `${rest}: ${r.body}`);
    }
    assert.equal((await call(`${op.url}/metrics`, t.bot)).status, 403);

    // The attacker sequence of issue 18 against the management API.
    const pwn = JSON.stringify({
      apiVersion: "nmcp.nwrx.io/v1",
      kind: "MCPServer",
      metadata: { name: "pwn" },
      spec: {
        image: "busybox",
        command: ["sh", "-c", "echo $SECRET > /tmp/pwned"],
        env: [{ name: "SECRET", valueFrom: { secretKeyRef: { name: "victim", key: "k" } } }],
      },
    });
    const create = { method: "POST", headers: { "content-type": "application/json" }, body: pwn };
    assert.equal(
      (await call(`${op.url}/api/v1/namespaces/team-a/servers`, undefined, create)).status,
      401,
    );
    assert.equal(
      (await call(`${op.url}/api/v1/namespaces/team-a/servers`, t.intruder, create)).status,
      403,
    );
    assert.equal(
      (await call(`${op.url}/api/v1/namespaces/team-a/servers`, t.bot, create)).status,
      403,
    );
    const del = { method: "DELETE" };
    assert.equal((await call(`${op.url}/api/v1/servers/team-a/echo`, undefined, del)).status, 401);
    assert.equal((await call(`${op.url}/api/v1/servers/team-a/echo`, t.intruder, del)).status, 403);
    assert.equal((await call(`${op.url}/api/v1/servers`, t.intruder)).status, 403);
    assert.equal((await call(`${op.url}/api/v1/servers/team-a/echo`, t.bot)).status, 403);
    assert.equal(await canI(e, bot, ["get", "mcpservers", "-n", "team-a"]), false);
    await e.k(["get", "mcpserver", "echo", "-n", "team-a"]); // still there
    assert.equal((await e.kubectl(["get", "mcpserver", "pwn", "-n", "team-a"])).code, 1);

    // A body over 1 MiB is refused before it is read, even for a caller who may create.
    const admin = e.cluster.apiServer.token;
    const big = { ...create, body: "x".repeat(2 * 1024 * 1024) };
    assert.equal(
      (await call(`${op.url}/api/v1/namespaces/team-a/servers`, admin, big)).status,
      413,
    );

    // The pod: hardened, its gateway wants the per-server token from anyone but the pod itself.
    const pods = JSON.parse(await e.k(["get", "pods", "-n", "team-a", "-o", "json"])) as {
      items: { metadata: { name: string }; spec: unknown; status: { podIP: string } }[];
    };
    assert.equal(pods.items.length, 1);
    const pod = pods.items[0];
    assert.deepEqual(restrictedViolations(pod as never), []);
    const direct = await call(`http://${pod.status.podIP}:8080/mcp`, undefined, post);
    assert.equal(direct.status, 401);
    assert.equal((await call(`http://${pod.status.podIP}:8080/activity`, undefined)).status, 401);
    assert.equal(await canI(e, bot, ["get", "secrets", "-n", "team-a"]), false);
    const policy = JSON.parse(
      await e.k(["get", "networkpolicy", "mcp-echo", "-n", "team-a", "-o", "json"]),
    );
    assert.deepEqual(policy.spec.ingress[0].from, [{
      namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": "nmcp-system" } },
      podSelector: { matchLabels: { "app.kubernetes.io/name": "nmcp-operator" } },
    }]);

    // A person with `edit` in team-a (which aggregates nmcp-editor) connects with kubectl.
    await e.k([
      "create",
      "rolebinding",
      "dev-edit",
      "-n",
      "team-a",
      "--clusterrole=edit",
      "--user=dev",
    ]);
    const devKubeconfig = await e.cluster.apiServer.writeUserKubeconfig("dev");
    const env = await pluginEnv({ ...e.env, KUBECONFIG: devKubeconfig }, { source: true });
    const who = await sh(env, "kubectl", [
      "auth",
      "whoami",
      "-o",
      "jsonpath={.status.userInfo.username}",
    ]);
    assert.equal(who.stdout, "dev", who.stderr);
    const stdio = new StdioClientTransport({
      command: "kubectl",
      args: ["nmcp", "connect", "echo", "-n", "team-a", "--stdio", "--timeout", "90"],
      env,
      stderr: "pipe",
    });
    const viaPlugin = new Client({ name: "trust-test-plugin", version: "1.0.0" });
    await viaPlugin.connect(stdio, { timeout: 120_000 });
    try {
      const r = await viaPlugin.callTool({ name: "echo", arguments: { message: "as dev" } });
      assert.deepEqual(r.content, [{ type: "text", text: "Echo: as dev" }]);
    } finally {
      await viaPlugin.close();
    }
    // The operator, running as its own ServiceAccount, was never refused anything.
    assert.deepEqual(op.logs().filter((l) => /forbidden/i.test(l)), []);
  } finally {
    await e.close();
  }
});
