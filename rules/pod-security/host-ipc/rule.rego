package kordon.host_ipc

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	pod.spec.hostIPC == true
	path := array.concat(pod.path, ["hostIPC"])
	msg := "the pod uses the node's IPC namespace (hostIPC: true)"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
