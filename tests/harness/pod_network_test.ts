import assert from "node:assert/strict";
import { stringify } from "yaml";
import { until, withPortForward } from "./_testing.ts";
import { anyTag, type Cluster, runKubectl, startCluster } from "./mod.ts";

const deno = `'${Deno.execPath()}' eval --no-config`;

/**
 * `peer-server` answers every request with the peer address it sees (and logs it with the
 * user agent); `peer-get URL` prints the body of a GET. Both are Deno, so netshim'd.
 */
const PEER_IMAGE = anyTag("test/peer", {
  executables: {
    "peer-server": {
      script: `exec ${deno} 'Deno.serve({ hostname: "0.0.0.0", port: 8080, onListen() {} }, ` +
        `(req, info) => { const peer = info.remoteAddr.hostname; ` +
        `console.log("peer", peer, req.headers.get("user-agent")); return new Response(peer); })'`,
    },
    "peer-get": {
      script: `exec ${deno} 'console.log(await (await fetch(Deno.args[0])).text())' "$@"`,
    },
  },
  entrypoint: ["peer-server"],
});

const pod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name },
  spec: {
    containers: [{
      name: "c",
      image: "test/peer:1",
      readinessProbe: { httpGet: { path: "/ready", port: 8080 }, periodSeconds: 1 },
    }],
  },
});

type Kubectl = (args: string[], stdin?: string) => Promise<string>;

async function withCluster(
  f: (c: Cluster, k: Kubectl, env: Record<string, string>) => Promise<void>,
) {
  const cluster = await startCluster({ images: PEER_IMAGE });
  const home = await Deno.makeTempDir({ prefix: "harness-net-home-" });
  const env = { ...cluster.env(), HOME: home, PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin" };
  const k: Kubectl = async (args, stdin) => {
    const r = await runKubectl(args, { env, stdin });
    assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout.trim();
  };
  try {
    await f(cluster, k, env);
  } finally {
    await cluster.stop();
    await Deno.remove(home, { recursive: true });
  }
}

Deno.test("pod network: same-pod clients and port-forward arrive on the pod's loopback; the node and other pods do not", async () => {
  await withCluster(async (cluster, k, env) => {
    await k(["apply", "-f", "-"], [pod("a"), pod("b")].map((p) => stringify(p)).join("---\n"));
    // readiness is an httpGet from the kubelet: Ready means probes still reach the pods
    await k(["wait", "--for=condition=Ready", "pod/a", "pod/b", "--timeout=30s"]);
    const ip = (name: string, field: string) =>
      k(["get", "pod", name, "-o", `jsonpath={.status.${field}}`]);
    const [ipA, ipB, hostIP] = [
      await ip("a", "podIP"),
      await ip("b", "podIP"),
      await ip("a", "hostIP"),
    ];
    assert.equal(hostIP, `${cluster.kubelet.podIpPrefix}.1`);
    assert.ok(ipA.startsWith(`${cluster.kubelet.podIpPrefix}.`) && ipA !== ipB, `${ipA} ${ipB}`);

    assert.equal(await k(["exec", "a", "--", "peer-get", "http://localhost:8080/"]), "127.0.0.1");
    assert.equal(await k(["exec", "a", "--", "peer-get", `http://${ipA}:8080/`]), "127.0.0.1");
    assert.equal(await k(["exec", "b", "--", "peer-get", `http://${ipA}:8080/`]), ipB);
    assert.equal(await (await fetch(`http://${ipA}:8080/`)).text(), hostIP, "a host process");
    const viaPortForward = await withPortForward(
      env,
      "pod/a",
      8080,
      async (port) => await (await fetch(`http://127.0.0.1:${port}/`)).text(),
    );
    assert.equal(viaPortForward, "127.0.0.1");
    const probes = await until("a probe in the log", async () => {
      const log = await k(["logs", "a"]);
      return log.includes("kube-probe/") && log;
    });
    assert.match(
      probes,
      new RegExp(`^peer ${hostIP.replaceAll(".", "\\.")} kube-probe/1\\.32$`, "m"),
    );
  });
});

Deno.test("pod network: Service names resolve and ClusterIP ports reach a ready endpoint", async () => {
  await withCluster(async (_cluster, k, env) => {
    const web = { ...pod("web"), metadata: { name: "web", labels: { app: "web" } } };
    const svc = (name: string, app: string) => ({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name },
      spec: { selector: { app }, ports: [{ port: 80, targetPort: 8080 }] },
    });
    const docs = [web, pod("client"), svc("web", "web"), svc("empty", "none")];
    await k(["apply", "-f", "-"], docs.map((d) => stringify(d)).join("---\n"));
    await k(["wait", "--for=condition=Ready", "pod/web", "pod/client", "--timeout=30s"]);
    const clientIP = await k(["get", "pod", "client", "-o", "jsonpath={.status.podIP}"]);
    // The kubelet's table follows the Endpoints within a poll period.
    const get = (url: string) => runKubectl(["exec", "client", "--", "peer-get", url], { env });
    const viaService = await until("web via its Service", async () => {
      const r = await get("http://web.default.svc.cluster.local/");
      return r.code === 0 ? r.stdout.trim() : undefined;
    }, 10_000);
    assert.equal(viaService, clientIP, "port 80 reached web's 8080, from the client's pod IP");
    assert.equal((await get("http://web.default.svc:80/")).stdout.trim(), clientIP);
    const unknown = await get("http://nope.default.svc.cluster.local/");
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /dns error|failed to lookup|Name or service not known/i);
    const empty = await get("http://empty.default.svc.cluster.local/");
    assert.notEqual(empty.code, 0);
    assert.match(empty.stderr, /Connection refused/i);
  });
});
