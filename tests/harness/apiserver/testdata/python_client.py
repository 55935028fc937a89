"""Drives the official Python client (Debian's python3-kubernetes) against a cluster.

Usage: python3 python_client.py KUBECONFIG NAMESPACE
Prints one JSON object with what each step saw; the Deno test asserts on it.
"""
import json
import sys
import threading

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
ns = sys.argv[2]
core = client.CoreV1Api()
ext = client.ApiextensionsV1Api()
custom = client.CustomObjectsApi()
out = {}


def watch_events(list_fn, args, name, rv, stop_after="DELETED"):
    """Collects (type, data) of `name` from a watch started at `rv` until `stop_after`."""
    seen = []
    w = watch.Watch()
    for ev in w.stream(list_fn, *args, resource_version=rv, timeout_seconds=20):
        obj = ev["object"]
        meta = obj["metadata"] if isinstance(obj, dict) else obj.metadata
        got = meta["name"] if isinstance(meta, dict) else meta.name
        if got != name:
            continue
        data = obj.get("spec") if isinstance(obj, dict) else obj.data
        seen.append([ev["type"], data])
        if ev["type"] == stop_after:
            w.stop()
    return seen


def in_background(fn):
    result = {}
    t = threading.Thread(target=lambda: result.setdefault("v", fn()))
    t.start()
    return t, result


# Core: list, then a watch (watch=True on the wire) seeing ADDED, MODIFIED, DELETED.
rv = core.list_namespaced_config_map(ns).metadata.resource_version
t, seen = in_background(
    lambda: watch_events(core.list_namespaced_config_map, [ns], "py-cm", rv)
)
core.create_namespaced_config_map(
    ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="py-cm"), data={"a": "1"})
)
core.patch_namespaced_config_map("py-cm", ns, {"data": {"b": "2"}})
out["patched"] = core.read_namespaced_config_map("py-cm", ns).data
out["listed"] = [c.metadata.name for c in core.list_namespaced_config_map(ns).items]
core.delete_namespaced_config_map("py-cm", ns)
t.join(30)
out["events"] = seen.get("v")

# Conflict: a second create is a 409 the client raises as ApiException.
core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="dup")))
try:
    core.create_namespaced_config_map(ns, client.V1ConfigMap(metadata=client.V1ObjectMeta(name="dup")))
    out["conflict"] = None
except client.exceptions.ApiException as e:
    out["conflict"] = e.status

# Custom objects: a CRD, then create, patch, list, watch and delete a custom object.
ext.create_custom_resource_definition({
    "apiVersion": "apiextensions.k8s.io/v1",
    "kind": "CustomResourceDefinition",
    "metadata": {"name": "widgets.py.example.com"},
    "spec": {
        "group": "py.example.com",
        "scope": "Namespaced",
        "names": {"plural": "widgets", "singular": "widget", "kind": "Widget"},
        "versions": [{
            "name": "v1", "served": True, "storage": True,
            "schema": {"openAPIV3Schema": {"type": "object", "properties": {
                "spec": {"type": "object", "properties": {"size": {"type": "integer"}}},
            }}},
        }],
    },
})
args = ["py.example.com", "v1", ns, "widgets"]
rv = custom.list_namespaced_custom_object(*args)["metadata"]["resourceVersion"]
t, seen = in_background(lambda: watch_events(custom.list_namespaced_custom_object, args, "w1", rv))
custom.create_namespaced_custom_object(
    *args, {"apiVersion": "py.example.com/v1", "kind": "Widget",
            "metadata": {"name": "w1"}, "spec": {"size": 1}}
)
custom.patch_namespaced_custom_object(*args, "w1", {"spec": {"size": 2}})  # a merge patch
out["custom"] = custom.get_namespaced_custom_object(*args, "w1")["spec"]
out["customListed"] = [o["metadata"]["name"] for o in custom.list_namespaced_custom_object(*args)["items"]]
custom.delete_namespaced_custom_object(*args, "w1")
t.join(30)
out["customEvents"] = seen.get("v")
print(json.dumps(out))
