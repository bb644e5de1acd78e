package kordon.host_range_user_id

import rego.v1

import data.lib.kordon.pods

# Zero is root, reported by run-as-root-user and run-as-root-group.
violation contains {"msg": msg, "details": {"path": path}} if {
	minimum := object.get(input.parameters, "minimumId", 10000)
	is_number(minimum)
	minimum > 0
	some entry in pods.containers(input.review.object)
	some field in ["runAsUser", "runAsGroup"]
	id := pods.effective_setting(entry, field, null)
	is_number(id)
	id > 0
	id < minimum
	path := pods.setting_path(entry, field)
	msg := sprintf("container %q runs with %s %v, inside the range (below %v) where nodes keep their own users and groups", [entry.name, field, id, minimum])
}
