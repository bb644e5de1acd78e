package kordon.test.registry_allowlist_test

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	not allowed(image)
	path := array.concat(entry.path, ["image"])
	msg := sprintf("image %q is not from an allowed registry", [image])
}

allowed(image) if {
	some prefix in input.parameters.registries
	startswith(image, prefix)
}

allowed(image) if {
	input.parameters["allow-unqualified"]
	not contains(image, "/")
}
