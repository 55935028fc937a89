/**
 * Runs the harness API server until interrupted.
 *
 * `deno run -A tests/harness/apiserver/main.ts --kubeconfig PATH [--data DIR] [--port N]
 * [--namespace NS] [--http]`
 *
 * @module
 */

import { Command } from "commander";
import { startApiServer } from "./mod.ts";

const program = new Command()
  .name("harness-apiserver")
  .description("An in-process Kubernetes API server for nmcp tests")
  .requiredOption("--kubeconfig <path>", "where to write the kubeconfig")
  .option("--data <dir>", "persist state in this directory")
  .option("--port <n>", "port on 127.0.0.1", "0")
  .option("--namespace <ns>", "the kubeconfig context's namespace", "default")
  .option("--http", "plain HTTP instead of HTTPS", false)
  .parse(["deno", "main.ts", ...Deno.args]);

const o = program.opts<
  { kubeconfig: string; data?: string; port: string; namespace: string; http: boolean }
>();
const server = await startApiServer({
  kubeconfigPath: o.kubeconfig,
  dataDir: o.data,
  port: Number(o.port),
  namespace: o.namespace,
  http: o.http,
});
console.log(`API server at ${server.url}; kubeconfig ${server.kubeconfigPath}`);
const stop = async () => {
  await server.stop();
  Deno.exit(0);
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
