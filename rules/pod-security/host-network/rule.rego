package kordon.host_network

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	pod.spec.hostNetwork == true
	path := array.concat(pod.path, ["hostNetwork"])
	msg := "the pod uses the node's network namespace (hostNetwork: true)"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
