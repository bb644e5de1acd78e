package kordon.sys_admin_capability

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": cap.path}} if {
	some entry in pods.containers(input.review.object)
	some cap in pods.added_capabilities(entry)
	cap.name in {"SYS_ADMIN", "ALL"}
	msg := sprintf("container %q adds %s, which is enough to take over the node", [entry.name, cap.name])
}
