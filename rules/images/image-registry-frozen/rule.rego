package kordon.image_registry_frozen

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

# Registries the Kubernetes project stopped publishing to, and where their images live now.
frozen := {
	"k8s.gcr.io/": "registry.k8s.io/",
	"gcr.io/google_containers/": "registry.k8s.io/",
	"gcr.io/google-containers/": "registry.k8s.io/",
}

violation contains {"msg": msg, "details": {"path": path, "fix": [{"op": "replace", "path": path, "value": moved}]}} if {
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	is_string(image)
	not images.placeholder(image)
	some old, new in frozen
	startswith(image, old)
	moved := concat("", [new, substring(image, count(old), -1)])
	path := array.concat(entry.path, ["image"])
	msg := sprintf("container %q pulls %q from %s, which has been frozen since April 2023: it gets no new releases or security fixes and may stop serving; the same image is at %q", [entry.name, image, trim_suffix(old, "/"), moved])
}
