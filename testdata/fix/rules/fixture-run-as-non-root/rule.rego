package kordon.fixture_run_as_non_root

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	not pods.effective_security_context(entry).runAsNonRoot == true
	path := pods.security_context_path(entry, "runAsNonRoot")
	msg := sprintf("container %q may run as root", [entry.container.name])
	details := {"path": path, "fix": [{"op": "add", "path": path, "value": true}]}
}
