/**
 * Runs a harness cluster until SIGINT/SIGTERM and prints its KUBECONFIG line.
 *
 *     deno run -A tests/harness/main.ts [--kubeconfig PATH] [--data DIR] [--pod-ip-prefix 127.a.b]
 *
 * @module
 */

import { Command } from "commander";
import { startCluster } from "./mod.ts";

/** Parses arguments, starts the cluster, waits for a signal, stops it. */
export async function main(argv: string[]): Promise<void> {
  const program = new Command("harness")
    .description("Run the nmcp test cluster (API server + process kubelet)")
    .option("--kubeconfig <path>", "where to write the kubeconfig")
    .option("--data <dir>", "persist API state and pod data here")
    .option("--namespace <ns>", "the kubeconfig context's namespace", "default")
    .option("--pod-ip-prefix <a.b.c>", "pod IP range (default: a free /24 under 127/8)")
    .parse(argv, { from: "user" });
  const opts = program.opts<
    { kubeconfig?: string; data?: string; namespace: string; podIpPrefix?: string }
  >();
  const cluster = await startCluster({
    kubeconfigPath: opts.kubeconfig,
    dataDir: opts.data,
    namespace: opts.namespace,
    podIpPrefix: opts.podIpPrefix,
  });
  console.log(`export KUBECONFIG=${cluster.kubeconfigPath}`);
  console.log(`# pod IPs: ${cluster.kubelet.podIpPrefix}.0/24`);
  const { promise, resolve } = Promise.withResolvers<void>();
  Deno.addSignalListener("SIGINT", resolve);
  Deno.addSignalListener("SIGTERM", resolve);
  await promise;
  Deno.removeSignalListener("SIGINT", resolve);
  Deno.removeSignalListener("SIGTERM", resolve);
  await cluster.stop();
}

if (import.meta.main) await main(Deno.args);
