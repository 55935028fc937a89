/**
 * The Examples section of every verb's `--help` (kubectl's habit). `buildProgram` attaches
 * them by command name; a test fails when a registered command has none, so a new verb adds
 * its lines here.
 *
 * @module
 */

/** Example lines (`command  # what it does`) by command name. */
export const EXAMPLES: Record<string, string[]> = {
  install: [
    "kubectl nmcp install                                  # CRDs, RBAC and the operator",
    "kubectl nmcp install --version v0.1.0                 # a given operator image tag",
  ],
  uninstall: [
    "kubectl nmcp uninstall                                # operator and CRDs (and all servers)",
    "kubectl nmcp uninstall --keep-crds                    # only the operator",
  ],
  export: [
    "kubectl nmcp export > nmcp.yaml                       # every install object as YAML",
    "kubectl nmcp export --type crd --resource server      # only the MCPServer CRD",
  ],
  completion: [
    "source <(kubectl nmcp completion bash)                # kubectl-nmcp and kubectl nmcp",
    "kubectl nmcp completion zsh > ~/.zfunc/_kubectl-nmcp",
    "kubectl nmcp completion fish | source",
  ],
  apply: [
    "kubectl nmcp apply -f examples/                       # every file in a directory",
    "kubectl nmcp apply -f server.yaml --dry-run=server    # validate, store nothing",
    "kubectl nmcp apply -f server.yaml --validate=warn     # unknown fields: warn, drop",
    "kubectl nmcp apply -f server.yaml --force-conflicts   # take fields other managers own",
  ],
  diff: [
    "kubectl nmcp diff -f server.yaml                      # exit 0 same, 1 differs, 2 error",
    "KUBECTL_EXTERNAL_DIFF='diff -u --color' kubectl nmcp diff -f examples/",
  ],
  delete: [
    "kubectl nmcp delete everything                        # an MCPServer",
    "kubectl nmcp delete mcppool/small                     # an MCPPool",
    "kubectl nmcp delete mcps --all                        # every server in the namespace",
    "kubectl nmcp delete mcps -l team=a --dry-run=server   # what a selector would delete",
  ],
  get: [
    "kubectl nmcp get                                      # MCPServers in the namespace",
    "kubectl nmcp get mcpp -A --show-labels                # MCPPools, all namespaces",
    "kubectl nmcp get everything -o yaml",
    "kubectl nmcp get -o jsonpath='{.items[*].metadata.name}'",
    "kubectl nmcp get -o custom-columns=NAME:.metadata.name,PHASE:.status.phase",
  ],
  describe: [
    "kubectl nmcp describe everything                      # conditions, pod, activity, events",
    "kubectl nmcp describe mcppool default",
  ],
  ls: [
    "kubectl nmcp ls                                       # servers and pools together",
    "kubectl nmcp ls -A -o wide                            # with sessions, requests, pods",
    "kubectl nmcp ls -w                                    # and follow changes",
  ],
  version: [
    "kubectl nmcp version                                  # plugin, API server, operator, CRDs",
    "kubectl nmcp version --client                         # the plugin only, no cluster",
  ],
  start: [
    "kubectl nmcp start everything                         # ask the operator to run it",
    "kubectl nmcp start everything --wait --timeout 60     # and wait until Ready",
  ],
  stop: ["kubectl nmcp stop everything                          # stop it now"],
  logs: [
    "kubectl nmcp logs everything                          # the MCP container's log",
    "kubectl nmcp logs everything -f --tail 20             # follow from the last 20 lines",
    "kubectl nmcp logs everything --gateway                # the gateway sidecar's log",
  ],
  connect: [
    "kubectl nmcp connect everything                       # tunnel + client configuration",
    "kubectl nmcp connect everything --stdio               # as a stdio MCP server",
  ],
  operator: [
    "kubectl nmcp operator                                 # controller, router and API here",
    "kubectl nmcp operator --port 8081 --log-level debug",
  ],
  gateway: [
    "kubectl nmcp gateway --port 8080                      # router + API, no controller",
  ],
};

/** The help text of a command's examples, or undefined when it has none. */
export function examplesText(name: string): string | undefined {
  const lines = EXAMPLES[name];
  if (!lines?.length) return undefined;
  return `\nExamples:\n${lines.map((l) => `  ${l}`).join("\n")}\n`;
}
