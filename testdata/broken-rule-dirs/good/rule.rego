package kordon.good

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	pods.effective_security_context(entry).privileged == true
	path := pods.security_context_path(entry, "privileged")
	msg := sprintf("container %q runs privileged: it has every capability and the host's devices", [entry.name])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
