package kordon.helm_tiller_deployed

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["image"])}} if {
	some entry in pods.containers(input.review.object)
	image := object.get(entry.container, "image", "")
	is_string(image)
	tiller_image(image)
	msg := sprintf("container %q runs Helm v2's Tiller (%q): its gRPC port installs anything, usually as cluster-admin, for any pod that can reach it, and it has had no security fixes since 2020", [entry.name, image])
}

tiller_image(image) if {
	repository := images.parse(image).repository
	some suffix in ["kubernetes-helm/tiller", "helm/tiller", "/tiller"]
	endswith(repository, suffix)
}

tiller_image(image) if images.parse(image).repository == "tiller"
