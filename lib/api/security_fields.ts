/** Schemas of the MCPServer's trust fields: tool policy, network, pod securityContext, auth. */

import { array, boolean, enumOf, type Infer, integer, object, string } from "./schema.ts";

const globs = (what: string) =>
  array(string({ minLength: 1, maxLength: 253 }), {
    description: `${what} (globs: \`*\` any run of characters, \`?\` one).`,
    maxItems: 256,
  });

/** One CEL rule over the caller and the tool call; it must return a bool. */
export const toolRuleSchema = object({
  expression: string({
    description: "CEL over `caller` {username, groups, source} and `tool` {name, arguments}; " +
      "true admits the call. A rule that does not compile to bool marks the server " +
      "Configured=False.",
    minLength: 1,
    maxLength: 4096,
  }),
  message: string({
    description: "Shown to the client when the rule refuses a call.",
    maxLength: 1024,
  }),
}, { required: ["expression"] });

/** Per-tool policy applied by the gateway. */
export const toolsPolicySchema = object({
  allow: globs("Tools clients may see and call; unset allows every tool"),
  deny: globs("Tools hidden and refused even when allowed"),
  rules: array(toolRuleSchema, {
    description: "CEL rules every tools/call must pass (all of them).",
    maxItems: 64,
  }),
}, {
  description: "Which tools clients may list and call (applied by the gateway sidecar).",
});

/** Per-tool policy of an MCPServer. */
export type ToolsPolicy = Infer<typeof toolsPolicySchema>;

const CIDR = "^[0-9A-Fa-f:.]+/[0-9]{1,3}$";

/** A port of an egress rule. */
export const egressPortSchema = object({
  port: integer({ description: "Destination port.", minimum: 1, maximum: 65535 }),
  protocol: enumOf(["TCP", "UDP", "SCTP"] as const, { description: "Default TCP." }),
}, { required: ["port"] });

/** One egress rule: a destination CIDR (with exceptions) and ports; unset parts mean any. */
export const egressRuleSchema = object({
  cidr: string({ description: "Destination IP block, e.g. 10.0.0.0/8.", pattern: CIDR }),
  except: array(string({ pattern: CIDR }), {
    description: "Blocks inside `cidr` that stay denied.",
    maxItems: 64,
  }),
  ports: array(egressPortSchema, { description: "Destination ports; unset: all.", maxItems: 64 }),
}, {
  validations: [{
    rule: "!has(self.except) || has(self.cidr)",
    message: "except needs cidr",
    fieldPath: ".except",
    reason: "FieldValueForbidden",
  }],
});

/** Network access of the server's pod (a NetworkPolicy the operator owns). */
export const networkSchema = object({
  egress: array(egressRuleSchema, {
    description: "Allowed outbound traffic; everything else is denied.",
    maxItems: 64,
  }),
  dns: boolean({
    description: "Allow DNS to kube-system's kube-dns (default true).",
    default: true,
  }),
}, { description: "Outbound traffic the MCP pod may send; ingress is the operator's only." });

/** Network access of an MCPServer. */
export type NetworkSpec = Infer<typeof networkSchema>;

const id = (description: string) => integer({ description, format: "int64", minimum: 0 });

/** The pod-level securityContext fields an MCPServer may override. */
export const podSecurityContextSchema = object({
  runAsUser: id("UID of the MCP container (default 65532)."),
  runAsGroup: id("GID of the MCP container (default 65532)."),
  runAsNonRoot: boolean({
    description: "Refuse to run as root (default true); false lets the image's user (root) run.",
  }),
  fsGroup: id("Group owning the pod's volumes (default 65532)."),
  supplementalGroups: array(integer({ format: "int64", minimum: 0 }), {
    description: "Extra groups of the MCP container.",
    maxItems: 32,
  }),
}, {
  description: "Pod securityContext overrides for images that need another uid or root.",
  validations: [{
    rule: "!has(self.runAsUser) || self.runAsUser != 0 || " +
      "(has(self.runAsNonRoot) && !self.runAsNonRoot)",
    message: "runAsUser 0 (root) needs runAsNonRoot: false",
    fieldPath: ".runAsUser",
  }],
});

/** The pod securityContext overrides of an MCPServer. */
export type PodSecurityOverrides = Infer<typeof podSecurityContextSchema>;

/** How callers authenticate to the server through the operator. */
export const authSchema = object({
  oauth: object({
    enabled: boolean({ description: "Accept JWT access tokens of an OIDC issuer." }),
    issuer: string({
      description: "Issuer URL (default: the operator's --oauth-issuer).",
      pattern: "^https?://[^\\s]+$",
      maxLength: 2048,
    }),
    scopes: array(string({ pattern: "^[!#-\\[\\]-~]+$", maxLength: 256 }), {
      description: "Scopes an access token must carry.",
      maxItems: 32,
    }),
  }, { description: "MCP authorization (OAuth 2.1 resource server)." }),
}, { description: "Authentication of callers besides Kubernetes tokens." });

/** Authentication settings of an MCPServer. */
export type AuthSpec = Infer<typeof authSchema>;
