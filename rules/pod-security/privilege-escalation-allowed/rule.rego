package kordon.privilege_escalation_allowed

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	setting := pods.effective_setting(entry, "allowPrivilegeEscalation", null)
	setting != false
	msg := message(entry.name, setting)
	details := {
		"path": pods.security_context_path(entry, "allowPrivilegeEscalation"),
		"fix": [pods.container_sc_op(entry, "allowPrivilegeEscalation", false)],
	}
}

message(name, setting) := sprintf("container %q allows privilege escalation (allowPrivilegeEscalation: true)", [name]) if setting == true

message(name, setting) := sprintf("container %q does not set allowPrivilegeEscalation: false, so setuid binaries can raise its privileges", [name]) if setting != true
