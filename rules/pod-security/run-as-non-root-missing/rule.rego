package kordon.run_as_non_root_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	setting := pods.effective_setting(entry, "runAsNonRoot", null)
	setting != true
	path := pods.setting_path(entry, "runAsNonRoot")
	msg := sprintf("container %q may run as root: runAsNonRoot is not true for it or its pod", [entry.name])
	details := {"path": path, "fix": [pods.container_sc_op(entry, "runAsNonRoot", true)]}
}
