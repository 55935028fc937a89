/** Kubernetes object metadata and the standard condition shape, as nmcp uses them. */

import { enumOf, type Infer, integer, object, string } from "./schema.ts";

/** An owner reference (metadata.ownerReferences entry). */
export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

/** The ObjectMeta fields nmcp reads and writes. */
export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
}

/** The standard Kubernetes condition (metav1.Condition) schema. */
export const conditionSchema = object({
  type: string({ description: "Type of the condition in CamelCase.", maxLength: 316 }),
  status: enumOf(["True", "False", "Unknown"] as const, {
    description: "Status of the condition: True, False or Unknown.",
  }),
  observedGeneration: integer({
    description: "The .metadata.generation the condition was set from.",
    minimum: 0,
    format: "int64",
  }),
  lastTransitionTime: string({
    description: "When the condition last changed status.",
    format: "date-time",
  }),
  reason: string({
    description: "A CamelCase reason for the condition's last transition.",
    maxLength: 1024,
    minLength: 1,
    pattern: "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$",
  }),
  message: string({ description: "A human-readable message.", maxLength: 32768 }),
}, { required: ["type", "status", "lastTransitionTime", "reason", "message"] });

/** A standard Kubernetes condition. */
export type Condition = Infer<typeof conditionSchema>;
