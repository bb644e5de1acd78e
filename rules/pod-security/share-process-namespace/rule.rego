package kordon.share_process_namespace

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	pod.spec.shareProcessNamespace == true
	path := array.concat(pod.path, ["shareProcessNamespace"])
	msg := "the pod's containers share one process namespace and can see each other's processes and secrets"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
