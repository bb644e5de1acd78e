package kordon.cpu_request_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.regular_containers(input.review.object)
	object.get(entry.container, ["resources", "requests", "cpu"], null) == null
	path := array.concat(entry.path, ["resources", "requests", "cpu"])
	msg := sprintf("container %q sets no CPU request (resources.requests.cpu)", [entry.name])
}
