package kordon.memory_limit_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.regular_containers(input.review.object)
	object.get(entry.container, ["resources", "limits", "memory"], null) == null
	path := array.concat(entry.path, ["resources", "limits", "memory"])
	msg := sprintf("container %q sets no memory limit (resources.limits.memory)", [entry.name])
}
