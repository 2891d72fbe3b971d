#!/usr/bin/env python3
"""Validates rendered manifests: each object against the Kubernetes schemas of the given version (strict), or
a custom resource against deploy/k8s/schemas; then the promises the manifests make to operators."""
import base64, json, os, sys

import jsonschema
import kubernetes_validate
import yaml

path, version, schemas = sys.argv[1:4]
objects = [o for o in yaml.safe_load_all(open(path)) if o]
problems = []
for o in objects:
    kind, api = o["kind"], o["apiVersion"]
    custom = os.path.join(schemas, f"{kind.lower()}-{api.replace('/', '-')}.json")
    try:
        if os.path.exists(custom):
            jsonschema.validate(o, json.load(open(custom)))
            # A custom resource's pod templates (Volcano's tasks) are core PodTemplates: check them as such.
            for task in o.get("spec", {}).get("tasks", []):
                template = {"apiVersion": "v1", "kind": "PodTemplate", "metadata": {"name": task.get("name", "task")}, "template": task["template"]}
                kubernetes_validate.validate(template, version, strict=True)
        else:
            kubernetes_validate.validate(o, version, strict=True)
    except Exception as e:  # the validators' errors name the field
        problems.append(f"{kind}/{o['metadata']['name']}: {str(e).splitlines()[0]}")

by_kind = {}
for o in objects:
    by_kind.setdefault(o["kind"], []).append(o)


def expect(ok, message):
    if not ok:
        problems.append(message)


for sts in by_kind.get("StatefulSet", []):
    spec, pod = sts["spec"], sts["spec"]["template"]["spec"]
    c = pod["containers"][0]
    expect(spec["replicas"] == 1, "the StatefulSet must have one writer")
    expect(c.get("livenessProbe", {}).get("httpGet", {}).get("path") == "/healthz", "liveness probe on /healthz")
    expect(c.get("readinessProbe", {}).get("httpGet", {}).get("path") == "/readyz", "readiness probe on /readyz")
    expect(pod["securityContext"].get("runAsNonRoot") is True, "pods run as non-root")
    expect(c["securityContext"].get("allowPrivilegeEscalation") is False, "no privilege escalation")
    expect("limits" in c.get("resources", {}), "resource limits are set")
    expect(spec["volumeClaimTemplates"][0]["metadata"]["name"] in [m["name"] for m in c["volumeMounts"]], "the data volume is mounted")
    labels = spec["template"]["metadata"]["labels"]
    for svc in by_kind.get("Service", []):
        sel = svc["spec"].get("selector", {})
        expect(sel and all(labels.get(k) == v for k, v in sel.items()), f"Service {svc['metadata']['name']} selects the pods")
    for pdb in by_kind.get("PodDisruptionBudget", []):
        sel = pdb["spec"].get("selector", {}).get("matchLabels", {})
        expect(sel and all(labels.get(k) == v for k, v in sel.items()), "the PodDisruptionBudget selects the pods")
    config = {cm["metadata"]["name"]: cm["data"] for cm in by_kind.get("ConfigMap", [])}
    for ref in c.get("envFrom", []):
        expect(ref["configMapRef"]["name"] in config, f"ConfigMap {ref['configMapRef']['name']} exists")
for ws in by_kind.get("Workspace", []):
    urls = [cm["data"].get("LLM_INFERENCE_URL", "") for cm in by_kind.get("ConfigMap", [])]
    expect(any(f"//{ws['metadata']['name']}/" in u for u in urls), "LLM_INFERENCE_URL points at the Workspace's Service")

# kagent: the tool server is Kura's /mcp with its key from a Secret here; agents ask only for Kura's tools.
KURA_MCP_TOOLS = {"list_collections", "search", "get_context"}
secrets = {o["metadata"]["name"]: o for o in by_kind.get("Secret", [])}
servers = {o["metadata"]["name"]: o for o in by_kind.get("RemoteMCPServer", [])}
for name, server in servers.items():
    spec = server["spec"]
    expect(spec.get("protocol") == "STREAMABLE_HTTP", f"RemoteMCPServer {name} speaks streamable HTTP")
    expect(spec["url"].startswith("http://kura.") and spec["url"].endswith("/mcp"), f"RemoteMCPServer {name} points at Kura's Service /mcp")
    for h in spec.get("headersFrom", []):
        ref = h.get("valueFrom", {})
        secret = secrets.get(ref.get("name"), {})
        data = {**{k: base64.b64decode(v).decode() for k, v in secret.get("data", {}).items()}, **secret.get("stringData", {})}
        expect(ref.get("key") in data, f"RemoteMCPServer {name}: Secret {ref.get('name')} holds {ref.get('key')}")
        expect(h["name"] != "Authorization" or str(data.get(ref.get("key"), "")).startswith("Bearer "), "the Authorization header is a Bearer key")
for agent in by_kind.get("Agent", []):
    for tool in agent["spec"]["declarative"].get("tools", []):
        ref = tool.get("mcpServer", {})
        expect(ref.get("name") in servers, f"Agent {agent['metadata']['name']} uses a RemoteMCPServer defined here")
        expect(set(ref.get("toolNames", [])) <= KURA_MCP_TOOLS, f"Agent {agent['metadata']['name']} asks only for Kura's tools")

# Parallel ingest: each worker's --shard I/N takes I from its runner's index and N from its worker count, so
# the workers load every document once; they embed locally and send to the server.
def shard_workers(o):
    """(pod spec, index variable it may use, worker count) of each runner of kura ingest workers."""
    if o["kind"] == "Job" and o["apiVersion"] == "batch/v1":
        spec = o["spec"]
        indexed = spec.get("completionMode") == "Indexed" and spec.get("parallelism", 1) == spec.get("completions")
        yield o["spec"]["template"]["spec"], "JOB_COMPLETION_INDEX" if indexed else None, spec.get("completions", 1)
    elif o["kind"] == "Job" and o["apiVersion"] == "batch.volcano.sh/v1alpha1":
        spec = o["spec"]
        expect(spec.get("schedulerName") == "volcano" and spec.get("queue"), f"Volcano Job {o['metadata']['name']} names its scheduler and queue")
        for task in spec["tasks"]:
            expect(spec.get("minAvailable", 0) == task.get("replicas"), f"Volcano Job {o['metadata']['name']} gang-schedules all its workers")
            yield task["template"]["spec"], "VC_TASK_INDEX" if "env" in spec.get("plugins", {}) else None, task.get("replicas", 1)


for o in objects:
    for pod, variable, workers in shard_workers(o):
        for c in pod["containers"]:
            args = c.get("args", [])
            shards = [a.split("=", 1)[1] for a in args if a.startswith("--shard=")]
            if not args or args[0] != "ingest" or not shards:
                continue
            name = o["metadata"]["name"]
            expect(variable is not None and shards == [f"$({variable})/{workers}"], f"{name}: --shard is $(INDEX)/{workers} from the runner's own index")
            expect("--embed-locally" in args and any(a.startswith("--url=http://kura") for a in args), f"{name}: workers embed and send to Kura")
            expect(c["image"] != "kura" and ":" in c["image"], f"{name}: the image is pinned by the kustomization")

if problems:
    print(f"{path}:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"{len(objects)} objects valid (Kubernetes {version})")
