package report.resource_limits

import rego.v1

pod_spec(obj) := ["spec"] if obj.kind == "Pod"

pod_spec(obj) := ["spec", "template", "spec"] if obj.kind == "Deployment"

violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	base := pod_spec(obj)
	some i, c in object.get(obj, array.concat(base, ["containers"]), [])
	not c.resources.limits.memory
	path := array.concat(base, ["containers", i, "resources", "limits", "memory"])
	msg := sprintf("container %q has no memory limit", [c.name])
}
