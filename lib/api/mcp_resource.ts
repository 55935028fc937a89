/** The MCPResource resource: inline content, or resource templates read from a Service. */

import { declaredName, type DeclaredStatus, serviceRefSchema } from "./declared_fields.ts";
import { duration } from "./duration.ts";
import type { ObjectMeta } from "./meta.ts";
import { array, type Infer, object, string } from "./schema.ts";

/** Inline content of a resource: text or base64 bytes. */
export const resourceContentSchema = object({
  uri: string({ description: "URI of the resource (e.g. config://template).", minLength: 1 }),
  mimeType: string({ description: "MIME type of the content." }),
  text: string({ description: "Text content (or set blob).", maxLength: 262144 }),
  blob: string({ description: "Base64 content (or set text).", format: "byte" }),
}, {
  required: ["uri"],
  description: "Inline content served by resources/read.",
  validations: [{
    rule: "has(self.text) != has(self.blob)",
    message: "exactly one of text and blob must be set",
  }],
});

/** A resource template answered by an HTTP GET to a Service. */
export const resourceOperationSchema = object({
  name: declaredName("resource template"),
  uriTemplate: string({
    description: "RFC 6570 template such as items://{id}; its variables fill the service path.",
    minLength: 1,
  }),
  description: string({ description: "What the resources are.", maxLength: 8192 }),
  mimeType: string({ description: "MIME type of what the Service answers." }),
  service: serviceRefSchema("the read"),
  timeout: duration({ description: "How long a read may take (default 10s).", default: "10s" }),
}, { required: ["uriTemplate", "service"] });

/** Desired state of an MCPResource. */
export const mcpResourceSpecSchema = object({
  name: declaredName("resource"),
  description: string({ description: "What the resource is.", maxLength: 8192 }),
  content: resourceContentSchema,
  operations: array(resourceOperationSchema, {
    description: "Resource templates read with HTTP GET from a Service (or set content).",
    maxItems: 32,
  }),
}, {
  validations: [{
    rule: "has(self.content) != has(self.operations)",
    message: "exactly one of content and operations must be set",
  }],
});

/** Desired state of an MCPResource. */
export type MCPResourceSpec = Infer<typeof mcpResourceSpecSchema>;

/** An MCPResource object. */
export interface MCPResource {
  apiVersion: "nmcp.nwrx.io/v1";
  kind: "MCPResource";
  metadata: ObjectMeta;
  spec: MCPResourceSpec;
  status?: DeclaredStatus;
}
