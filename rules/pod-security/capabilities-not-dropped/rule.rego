package kordon.capabilities_not_dropped

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	not "ALL" in pods.dropped_capabilities(entry)
	current := object.get(entry.container, ["securityContext", "capabilities", "drop"], [])
	path := array.concat(entry.path, ["securityContext", "capabilities", "drop"])
	msg := sprintf("container %q keeps the runtime's default capabilities (NET_RAW among them): drop ALL", [entry.container.name])
	new_drop := array.concat(drop_list(current), ["ALL"])
	details := {"path": path, "fix": [pods.set_op(entry.container, entry.path, ["securityContext", "capabilities", "drop"], new_drop)]}
}

drop_list(current) := current if is_array(current)

drop_list(current) := [] if not is_array(current)
