package kordon.liveness_probe_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.app_containers(input.review.object)
	object.get(entry.container, "livenessProbe", null) == null
	path := array.concat(entry.path, ["livenessProbe"])
	msg := sprintf("container %q has no liveness probe", [entry.name])
}
