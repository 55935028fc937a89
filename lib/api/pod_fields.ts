/** Schemas of the Pod-like fields an MCPServer carries (env, envFrom, resources, pull secrets). */

import { boolean, type Infer, intOrString, object, record, string } from "./schema.ts";

const keyRef = (what: string) =>
  object({
    name: string({ description: `Name of the ${what}.` }),
    key: string({ description: `Key in the ${what}.` }),
    optional: boolean({ description: `Whether the ${what} or its key may be missing.` }),
  }, { required: ["key"] });

/** An environment variable, as in a Pod's container. */
export const envVarSchema = object({
  name: string({ description: "Name of the variable.", minLength: 1 }),
  value: string({ description: "Literal value; $(VAR) references are expanded." }),
  valueFrom: object({
    secretKeyRef: keyRef("Secret"),
    configMapKeyRef: keyRef("ConfigMap"),
  }, {
    description: "Source of the value when not literal.",
    validations: [{
      rule: "has(self.secretKeyRef) != has(self.configMapKeyRef)",
      message: "exactly one of secretKeyRef and configMapKeyRef must be set",
    }],
  }),
}, {
  required: ["name"],
  validations: [{
    rule: "!(has(self.value) && has(self.valueFrom))",
    message: "value and valueFrom are mutually exclusive",
  }],
});

/** An environment variable. */
export type EnvVar = Infer<typeof envVarSchema>;

const nameRef = (what: string) =>
  object({
    name: string({ description: `Name of the ${what}.` }),
    optional: boolean({ description: `Whether the ${what} may be missing.` }),
  });

/** A source of environment variables (a whole ConfigMap or Secret). */
export const envFromSchema = object({
  prefix: string({ description: "Prefix added to every variable name." }),
  configMapRef: nameRef("ConfigMap"),
  secretRef: nameRef("Secret"),
}, {
  validations: [{
    rule: "has(self.configMapRef) != has(self.secretRef)",
    message: "exactly one of configMapRef and secretRef must be set",
  }],
});

/** A source of environment variables. */
export type EnvFromSource = Infer<typeof envFromSchema>;

const quantities = (what: string) =>
  record(intOrString(), { description: `${what} per resource name (e.g. cpu: 100m).` });

/** Compute resources of a container. */
export const resourcesSchema = object({
  limits: quantities("Maximum amounts"),
  requests: quantities("Minimum amounts"),
}, { description: "Compute resources of the MCP container, as in a Pod." });

/** Compute resources of a container. */
export type ResourceRequirements = Infer<typeof resourcesSchema>;

/** A reference to an image pull Secret. */
export const localObjectReferenceSchema = object({
  name: string({ description: "Name of the Secret.", minLength: 1 }),
}, { required: ["name"] });

/** A reference to an object in the same namespace by name. */
export type LocalObjectReference = Infer<typeof localObjectReferenceSchema>;
