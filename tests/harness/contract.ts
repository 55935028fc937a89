/**
 * The seam between the harness API server (`apiserver/`) and its process kubelet
 * (`kubelet/`). The API server knows nothing of processes or streaming protocols: for the
 * pod subresources that stream, it authenticates the request, reads the pod (404 when
 * absent) and hands the raw request to the handler the kubelet installed.
 */

/** The streaming pod subresources the API server delegates to the kubelet. */
export type PodStreamSubresource = "log" | "exec" | "attach" | "portforward";

/** A pod as stored by the API server (plain Kubernetes JSON). */
export interface StoredPod {
  apiVersion: "v1";
  kind: "Pod";
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    resourceVersion: string;
    [key: string]: unknown;
  };
  spec: Record<string, unknown>;
  status?: Record<string, unknown>;
}

/**
 * Serves one streaming subresource request (`GET|POST
 * /api/v1/namespaces/{ns}/pods/{name}/{subresource}?…`): plain HTTP for `log`, WebSocket or
 * SPDY upgrades for `exec`, `attach` and `portforward`. It returns the response to send,
 * including Kubernetes `Status` bodies for errors (e.g. 400 for an unknown container).
 */
export type PodStreamHandler = (
  req: Request,
  pod: StoredPod,
  subresource: PodStreamSubresource,
) => Response | Promise<Response>;
