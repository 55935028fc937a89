/** HTTP serving shared by the gateway and the operator: `Deno.serve` with a request-head deadline. */
export { type GuardedServeOptions, type GuardedServer, serveGuarded } from "./serve.ts";
