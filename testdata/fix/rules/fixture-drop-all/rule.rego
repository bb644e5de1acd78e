package kordon.fixture_drop_all

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	sc := object.get(entry.container, "securityContext", {})
	not object.get(sc, "capabilities", {}).drop
	path := array.concat(entry.path, ["securityContext", "capabilities", "drop"])
	msg := sprintf("container %q keeps its default capabilities", [entry.container.name])
	details := {"path": path, "fix": [{"op": "add", "path": path, "value": ["ALL"]}]}
}
