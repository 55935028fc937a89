/** The MCPTool resource: one MCP tool answered by an HTTP call to a Kubernetes Service. */

import { HTTP_METHODS } from "./constants.ts";
import { declaredName, type DeclaredStatus, serviceRefSchema } from "./declared_fields.ts";
import { duration } from "./duration.ts";
import type { ObjectMeta } from "./meta.ts";
import { array, boolean, enumOf, type Infer, object, opaque, string } from "./schema.ts";

/** A JSON Schema of an object (`type: object`), kept as written. */
export function objectSchema(description: string) {
  return object({
    type: enumOf(["object"] as const, { description: "Always object." }),
    properties: opaque({ description: "The properties (JSON Schema)." }),
    required: array(string(), { description: "Required properties." }),
  }, { required: ["type"], preserveUnknown: true, description });
}

/** MCP tool annotations (hints for clients). */
export const toolAnnotationsSchema = object({
  title: string({ description: "Human-readable title." }),
  readOnlyHint: boolean({ description: "The tool does not change its environment." }),
  destructiveHint: boolean({ description: "The tool may destroy or overwrite things." }),
  idempotentHint: boolean({ description: "Repeated calls with the same arguments do nothing." }),
  openWorldHint: boolean({ description: "The tool talks to an open world of entities." }),
}, { description: "MCP tool annotations (hints for clients)." });

/** Desired state of an MCPTool. */
export const mcpToolSpecSchema = object({
  name: declaredName("tool"),
  description: string({ description: "What the tool does (shown to the model).", maxLength: 8192 }),
  inputSchema: objectSchema("JSON Schema of the arguments; the gateway validates calls by it."),
  outputSchema: objectSchema("JSON Schema of the structured result."),
  annotations: toolAnnotationsSchema,
  service: serviceRefSchema("the tool"),
  method: enumOf(HTTP_METHODS, {
    description: "HTTP method: arguments go in the JSON body for POST/PUT/PATCH, else the query.",
    default: "POST",
  }),
  timeout: duration({
    description: "How long a call may take: seconds or a duration such as 30s (default 30s).",
    default: "30s",
  }),
}, { required: ["inputSchema", "service"] });

/** Desired state of an MCPTool. */
export type MCPToolSpec = Infer<typeof mcpToolSpecSchema>;

/** An MCPTool object. */
export interface MCPTool {
  apiVersion: "nmcp.nwrx.io/v1";
  kind: "MCPTool";
  metadata: ObjectMeta;
  spec: MCPToolSpec;
  status?: DeclaredStatus;
}
