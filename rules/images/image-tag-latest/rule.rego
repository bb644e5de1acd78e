package kordon.image_tag_latest

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	is_string(image)
	not images.placeholder(image)
	images.effective_tag(image) == "latest"
	path := array.concat(entry.path, ["image"])
	msg := sprintf("container %q uses %q, which resolves to the moving \"latest\" tag", [entry.name, image])
}
