package report.run_as_non_root

import rego.v1

pod_spec(obj) := ["spec"] if obj.kind == "Pod"

pod_spec(obj) := ["spec", "template", "spec"] if obj.kind == "Deployment"

violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	base := pod_spec(obj)
	not object.get(obj, array.concat(base, ["securityContext", "runAsNonRoot"]), false) == true
	path := array.concat(base, ["securityContext", "runAsNonRoot"])
	msg := sprintf("%s %q does not set runAsNonRoot", [obj.kind, obj.metadata.name])
}
