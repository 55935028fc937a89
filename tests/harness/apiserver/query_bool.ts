/**
 * Query booleans as the Kubernetes API server reads them. Its parameter codec (apimachinery's
 * Convert_Slice_string_To_bool, used for ListOptions, PatchOptions, PodLogOptions,
 * PodExecOptions, …) takes the first value: absent is false, "0" or "false" in any case is
 * false, and anything else, even "" or "yes", is true; it never answers 400 for a boolean.
 * The request-info resolver decides the `watch` verb the same way.
 *
 * @module
 */

/** The boolean `name` of a query; `absent` when it is not given (default false). */
export function queryBool(q: URLSearchParams, name: string, absent = false): boolean {
  const v = q.get(name);
  if (v === null) return absent;
  return !(v === "0" || v.toLowerCase() === "false");
}
