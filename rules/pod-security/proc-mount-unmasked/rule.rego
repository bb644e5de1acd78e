package kordon.proc_mount_unmasked

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	mount := object.get(entry.container, ["securityContext", "procMount"], "Default")
	mount != "Default"
	path := pods.security_context_path(entry, "procMount")
	msg := sprintf("container %q sees an unmasked /proc (procMount: %v)", [entry.name, mount])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "Default"}]}
}
