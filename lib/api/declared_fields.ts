/** Fields the declared kinds (MCPTool, MCPPrompt, MCPResource) and toolSelector share. */

import { conditionSchema } from "./meta.ts";
import { array, boolean, enumOf, type Infer, integer, object, record, string } from "./schema.ts";

/** Operators of a label selector requirement. */
export const SELECTOR_OPERATORS = ["In", "NotIn", "Exists", "DoesNotExist"] as const;

/** A metav1.LabelSelector: matchLabels and matchExpressions, all of which must match. */
export function labelSelector(description: string) {
  return object({
    matchLabels: record(string({ maxLength: 63 }), { description: "Labels that must be equal." }),
    matchExpressions: array(
      object({
        key: string({ description: "The label key.", minLength: 1, maxLength: 317 }),
        operator: enumOf(SELECTOR_OPERATORS, { description: "In, NotIn, Exists, DoesNotExist." }),
        values: array(string({ maxLength: 63 }), {
          description: "Values for In and NotIn.",
          maxItems: 64,
        }),
      }, {
        required: ["key", "operator"],
        validations: [{
          rule: "(self.operator == 'In' || self.operator == 'NotIn') == " +
            "(has(self.values) && size(self.values) > 0)",
          message:
            "values must be non-empty for In and NotIn and absent for Exists and DoesNotExist",
          fieldPath: ".values",
        }],
      }),
      { description: "Set-based requirements.", maxItems: 32 },
    ),
  }, { description });
}

/** A metav1.LabelSelector. */
export type LabelSelector = Infer<ReturnType<typeof labelSelector>>;

/** The Kubernetes Service a declared tool or resource calls, in the object's namespace. */
export function serviceRefSchema(what: string) {
  return object({
    name: string({
      description: "Name of the Service (in the same namespace).",
      minLength: 1,
      maxLength: 63,
      pattern: "^[a-z]([-a-z0-9]*[a-z0-9])?$",
    }),
    port: integer({ description: "Port of the Service.", minimum: 1, maximum: 65535 }),
    path: string({
      description: `Path ${what}; \`{arg}\` placeholders are filled (URL-encoded) from arguments.`,
      pattern: "^/",
      maxLength: 2048,
      default: "/",
    }),
  }, { required: ["name", "port"], description: `The Service ${what} calls.` });
}

/** A Service reference of a declared object. */
export type ServiceRef = Infer<ReturnType<typeof serviceRefSchema>>;

/** Observed state of a declared object: who selected it and whether its Service exists. */
export const declaredStatusSchema = object({
  selectedBy: array(string(), {
    description: "The MCPServers (same namespace) whose toolSelector selects this object.",
    set: true,
    maxItems: 256,
  }),
  serviceExists: boolean({ description: "Whether the Service it calls exists." }),
  observedGeneration: integer({ format: "int64", minimum: 0 }),
  conditions: array(conditionSchema, { mapKeys: ["type"] }),
});

/** Observed state of an MCPTool, MCPPrompt or MCPResource. */
export type DeclaredStatus = Infer<typeof declaredStatusSchema>;

/** The name of a tool, prompt or resource as MCP clients see it (default metadata.name). */
export function declaredName(what: string) {
  return string({
    description: `Name of the ${what} as clients see it (default metadata.name).`,
    minLength: 1,
    maxLength: 128,
    pattern: "^[A-Za-z0-9_.-]+$",
  });
}
