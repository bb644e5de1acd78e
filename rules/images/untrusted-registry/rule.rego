package kordon.untrusted_registry

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	allowed := object.get(input.parameters, "allowedRegistries", [])
	count(allowed) > 0
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	is_string(image)
	not images.placeholder(image)
	not trusted(image, allowed)
	path := array.concat(entry.path, ["image"])
	msg := sprintf("container %q pulls %q from %s, which is not a trusted registry", [entry.name, image, images.parse(image).registry])
}

trusted(image, allowed) if {
	some registry in allowed
	images.from_registry(image, registry)
}
