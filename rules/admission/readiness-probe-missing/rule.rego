package kordon.readiness_probe_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.app_containers(input.review.object)
	object.get(entry.container, "readinessProbe", null) == null
	path := array.concat(entry.path, ["readinessProbe"])
	msg := sprintf("container %q has no readiness probe", [entry.name])
}
