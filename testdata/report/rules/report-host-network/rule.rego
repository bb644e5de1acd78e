package report.host_network

import rego.v1

pod_spec(obj) := ["spec"] if obj.kind == "Pod"

pod_spec(obj) := ["spec", "template", "spec"] if obj.kind == "Deployment"

violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	base := pod_spec(obj)
	object.get(obj, base, {}).hostNetwork == true
	path := array.concat(base, ["hostNetwork"])
	msg := sprintf("%s %q shares the host network", [obj.kind, obj.metadata.name])
}
