import assert from "node:assert/strict";
import { parse, parseAllDocuments } from "yaml";
import { GatewayMetrics } from "../../gateway/mod.ts";
import { createMetrics, registerInventoryMetrics } from "../../operator/mod.ts";
import { metricNames, monitoringQueries, sampleNames } from "./mod.ts";

/** The sample names the operator and the gateway export, read from their own registries. */
async function exportedNames(): Promise<Set<string>> {
  const ops = createMetrics(() => ({}), () => 0);
  registerInventoryMetrics(ops.registry, { servers: () => [], pools: () => [] });
  const names = new Set<string>();
  for (const m of await ops.registry.getMetricsAsJSON()) {
    for (const n of sampleNames(m.name, String(m.type))) names.add(n);
  }
  const text = new GatewayMetrics().render().text;
  for (const [, name, type] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    for (const n of sampleNames(name, type)) names.add(n);
  }
  return names;
}

Deno.test("every query of the dashboard and the rules names metrics the code exports", async () => {
  const exported = await exportedNames();
  assert.ok(exported.has("nmcp_server_phase") && exported.has("nmcp_gateway_tool_calls_total"));
  const queries = monitoringQueries();
  assert.ok(queries.length >= 25, `${queries.length} queries`);
  for (const q of queries) {
    const names = metricNames(q);
    assert.ok(names.length > 0, `no metric in ${q}`);
    for (const n of names) assert.ok(exported.has(n), `${n} (in ${q}) is not exported`);
  }
  const misspelt = metricNames('sum by (phase) (nmcp_server_phases{phase="Ready"})');
  assert.ok(misspelt.some((n) => !exported.has(n)), "a misspelt name fails the check");
});

Deno.test("kubectl kustomize renders the base with the monitoring component", async () => {
  // kustomize wants relative paths: an overlay made next to deploy/base for the test.
  const dir = await Deno.makeTempDir({
    dir: new URL("../", import.meta.url).pathname,
    prefix: ".kustomize-test-",
  });
  try {
    await Deno.writeTextFile(
      `${dir}/kustomization.yaml`,
      "resources:\n  - ../base\ncomponents:\n  - ../components/monitoring\n",
    );
    const out = await new Deno.Command("kubectl", { args: ["kustomize", dir] }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 0, stderr);
    const docs = parseAllDocuments(new TextDecoder().decode(out.stdout)).map((d) => d.toJS());
    const kinds = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    for (
      const k of [
        "PodMonitor/nmcp-operator",
        "PodMonitor/nmcp-gateways",
        "PrometheusRule/nmcp",
        "ConfigMap/nmcp-dashboard",
        "ClusterRole/nmcp-metrics-reader",
        "Deployment/nmcp-operator",
      ]
    ) assert.ok(kinds.includes(k), `${k} in ${kinds.join(", ")}`);
    const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name === "nmcp-dashboard");
    assert.equal(cm.metadata.labels.grafana_dashboard, "1");
    assert.equal(JSON.parse(cm.data["nmcp-dashboard.json"]).uid, "nmcp-fleet");
    const gw = docs.find((d) => d.metadata.name === "nmcp-gateways");
    const path = gw.spec.podMetricsEndpoints[0].relabelings[0].replacement;
    assert.equal(path, "/api/v1/namespaces/$1/servers/$2/metrics");
    assert.equal(parse(JSON.stringify(gw)).spec.namespaceSelector.any, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
