package kordon.run_as_root_user

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	pods.effective_setting(entry, "runAsUser", null) == 0
	path := pods.setting_path(entry, "runAsUser")
	msg := sprintf("container %q runs as root (runAsUser: 0)", [entry.name])
}
