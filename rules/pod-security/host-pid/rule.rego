package kordon.host_pid

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	pod.spec.hostPID == true
	path := array.concat(pod.path, ["hostPID"])
	msg := "the pod uses the node's process ID namespace (hostPID: true)"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
