package kordon.dangerous_capability_added

import rego.v1

import data.lib.kordon.pods

# Reported by sys-admin-capability instead, as critical.
left_to_sys_admin_rule := {"SYS_ADMIN", "ALL"}

violation contains {"msg": msg, "details": {"path": cap.path}} if {
	allowed := {pods.capability_name(c) | some c in object.get(input.parameters, "allowedCapabilities", [])}
	some entry in pods.containers(input.review.object)
	some cap in pods.added_capabilities(entry)
	not cap.name in allowed
	not cap.name in left_to_sys_admin_rule
	msg := sprintf("container %q adds the capability %s, which is outside the allowed set", [entry.name, cap.name])
}
