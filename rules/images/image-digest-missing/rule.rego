package kordon.image_digest_missing

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	object.get(input.parameters, "requireDigest", false) == true
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	is_string(image)
	not images.placeholder(image)
	not images.pinned(image)
	not exempt(image)
	path := array.concat(entry.path, ["image"])
	msg := sprintf("container %q uses %q, which is not pinned by digest", [entry.name, image])
}

exempt(image) if {
	some registry in object.get(input.parameters, "exemptRegistries", [])
	images.from_registry(image, registry)
}
