package kordon.host_range_user_id

import rego.v1

import data.lib.kordon.pods

# Zero is root, reported by run-as-root-user and run-as-root-group.
violation contains {"msg": msg, "details": {"path": path}} if {
	minimum := object.get(input.parameters, "minimumId", 10000)
	is_number(minimum)
	minimum > 0
	containers := pods.containers(input.review.object)
	some field in ["runAsUser", "runAsGroup"]

	# A pod-level id is one setting however many containers inherit it: one finding per
	# place the id is written, naming every container it applies to.
	some path in {pods.setting_path(entry, field) |
		some entry in containers
		in_range(entry, field, minimum)
	}
	sharing := [entry |
		some entry in containers
		in_range(entry, field, minimum)
		pods.setting_path(entry, field) == path
	]
	id := in_range(sharing[0], field, minimum)
	msg := sprintf("%s with %s %v, inside the range (below %v) where nodes keep their own users and groups", [subject(sharing), field, id, minimum])
}

in_range(entry, field, minimum) := id if {
	id := pods.effective_setting(entry, field, null)
	is_number(id)
	id > 0
	id < minimum
}

subject(entries) := sprintf("container %q runs", [entries[0].name]) if count(entries) == 1

subject(entries) := sprintf("containers %s run", [concat(", ", sort([sprintf("%q", [e.name]) | some e in entries]))]) if count(entries) > 1
