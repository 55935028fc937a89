/** The MCPPool resource: limits shared by a group of MCPServers. */

import { duration } from "./duration.ts";
import { conditionSchema, type ObjectMeta } from "./meta.ts";
import { resourcesSchema } from "./pod_fields.ts";
import { array, type Infer, integer, object } from "./schema.ts";

/** Desired state of an MCPPool. */
export const mcpPoolSpecSchema = object({
  maxActive: integer({
    description: "Most servers of the pool running at once (unset = no limit).",
    minimum: 1,
  }),
  maxIdle: integer({
    description: "Most running servers without sessions kept warm (unset = no limit).",
    minimum: 0,
  }),
  defaultIdleTimeout: duration({
    description: "idleTimeout of the servers that set none: seconds or a duration such as " +
      "60s or 10m (0 = never).",
    default: 600,
  }),
  defaultResources: resourcesSchema,
}, {
  validations: [{
    rule: "!has(self.maxIdle) || !has(self.maxActive) || self.maxIdle <= self.maxActive",
    message: "maxIdle must not exceed maxActive",
    fieldPath: ".maxIdle",
  }],
});

/** Desired state of an MCPPool. */
export type MCPPoolSpec = Infer<typeof mcpPoolSpecSchema>;

/** Observed state of an MCPPool. */
export const mcpPoolStatusSchema = object({
  active: integer({ minimum: 0, description: "Servers running (starting or ready)." }),
  idle: integer({ minimum: 0, description: "Running servers without sessions." }),
  pending: integer({ minimum: 0, description: "Servers waiting for a free slot." }),
  observedGeneration: integer({ format: "int64", minimum: 0 }),
  conditions: array(conditionSchema, { mapKeys: ["type"] }),
});

/** Observed state of an MCPPool. */
export type MCPPoolStatus = Infer<typeof mcpPoolStatusSchema>;

/** An MCPPool object. */
export interface MCPPool {
  apiVersion: "nmcp.nwrx.io/v1";
  kind: "MCPPool";
  metadata: ObjectMeta;
  spec: MCPPoolSpec;
  status?: MCPPoolStatus;
}
