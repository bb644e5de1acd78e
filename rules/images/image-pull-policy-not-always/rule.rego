package kordon.image_pull_policy_not_always

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	image := entry.container.image
	is_string(image)
	not images.placeholder(image)
	not images.pinned(image)
	policy := effective_policy(entry.container, image)
	policy != "Always"
	path := array.concat(entry.path, ["imagePullPolicy"])
	msg := sprintf("container %q reuses a cached %q (imagePullPolicy %s) instead of pulling it on each start", [entry.name, image, policy])
	details := {"path": path, "fix": [pods.set_op(entry.container, entry.path, ["imagePullPolicy"], "Always")]}
}

effective_policy(container, _) := container.imagePullPolicy

effective_policy(container, image) := "Always" if {
	not container.imagePullPolicy
	images.effective_tag(image) == "latest"
}

effective_policy(container, image) := "IfNotPresent" if {
	not container.imagePullPolicy
	images.effective_tag(image) != "latest"
}
