package kordon.ephemeral_storage_limit_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.regular_containers(input.review.object)
	object.get(entry.container, ["resources", "limits", "ephemeral-storage"], null) == null
	path := array.concat(entry.path, ["resources", "limits", "ephemeral-storage"])
	msg := sprintf("container %q sets no ephemeral-storage limit (resources.limits.ephemeral-storage)", [entry.name])
}
