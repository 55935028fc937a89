/**
 * Benchmarks and the process launchers they share with integration tests.
 * `deno task bench [gateway|operator|cli|all]` runs `bench/main.ts`.
 */
export {
  denoScript,
  freePort,
  gatewayPresent,
  REPO_ROOT,
  type Running,
  shellQuote,
  startGateway,
  startListening,
  startSupergateway,
  SUPERGATEWAY,
  type SupergatewayMode,
  waitHealthy,
} from "./launch.ts";
export { samplePeak, treeUsage } from "./proc.ts";
