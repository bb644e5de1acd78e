package kordon.fixture_pull_always

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	policy := entry.container.imagePullPolicy
	policy != "Always"
	path := array.concat(entry.path, ["imagePullPolicy"])
	msg := sprintf("container %q pulls with %s", [entry.container.name, policy])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "Always"}]}
}
