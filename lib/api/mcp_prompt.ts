/** The MCPPrompt resource: one MCP prompt rendered from a `{{variable}}` template. */

import { declaredName, type DeclaredStatus } from "./declared_fields.ts";
import type { ObjectMeta } from "./meta.ts";
import { array, boolean, type Infer, object, string } from "./schema.ts";

/** A variable of a prompt template (an MCP prompt argument). */
export const promptVariableSchema = object({
  name: string({
    description: "Name used as `{{name}}` in the template.",
    minLength: 1,
    maxLength: 64,
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
  }),
  description: string({ description: "What the variable is.", maxLength: 1024 }),
  required: boolean({ description: "prompts/get without it fails (-32602)." }),
  default: string({ description: "Value used when the variable is not given." }),
}, { required: ["name"] });

/** Desired state of an MCPPrompt. */
export const mcpPromptSpecSchema = object({
  name: declaredName("prompt"),
  description: string({ description: "What the prompt is for.", maxLength: 8192 }),
  template: string({
    description: "The prompt text; `{{variable}}` placeholders are filled from the arguments.",
    minLength: 1,
    maxLength: 65536,
  }),
  variables: array(promptVariableSchema, {
    description: "The variables of the template (names unique).",
    mapKeys: ["name"],
    maxItems: 64,
  }),
}, { required: ["template"] });

/** Desired state of an MCPPrompt. */
export type MCPPromptSpec = Infer<typeof mcpPromptSpecSchema>;

/** An MCPPrompt object. */
export interface MCPPrompt {
  apiVersion: "nmcp.nwrx.io/v1";
  kind: "MCPPrompt";
  metadata: ObjectMeta;
  spec: MCPPromptSpec;
  status?: DeclaredStatus;
}
