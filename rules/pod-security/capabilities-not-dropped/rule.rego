package kordon.capabilities_not_dropped

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	not "ALL" in pods.dropped_capabilities(entry)
	current := object.get(entry.container, ["securityContext", "capabilities", "drop"], [])
	path := array.concat(entry.path, ["securityContext", "capabilities", "drop"])
	msg := sprintf("container %q keeps %s: drop ALL", [entry.name, kept(pods.dropped_capabilities(entry))])
	new_drop := array.concat(drop_list(current), ["ALL"])
	details := {"path": path, "fix": [pods.set_op(entry.container, entry.path, ["securityContext", "capabilities", "drop"], new_drop)]}
}

drop_list(current) := current if is_array(current)

drop_list(current) := [] if not is_array(current)

# NET_RAW is named only while it is really kept: a container that drops it alone keeps the rest.
kept(dropped) := "the runtime's default capabilities (NET_RAW among them)" if not "NET_RAW" in dropped

kept(dropped) := "the runtime's other default capabilities (it drops NET_RAW but not ALL)" if "NET_RAW" in dropped
