package kordon.naked_pod

import rego.v1

# Whether an owner reference names a controller that recreates the pod.
controlled(obj) if {
	some ref in object.get(obj, ["metadata", "ownerReferences"], [])
	is_object(ref)
	object.get(ref, "controller", false) == true
}

violation contains {"msg": msg, "details": {"path": ["kind"]}} if {
	obj := input.review.object
	obj.kind == "Pod"
	not controlled(obj)
	# Helm runs hook Pods (chart tests, install steps) once, on purpose.
	object.get(obj, ["metadata", "annotations", "helm.sh/hook"], "") == ""
	msg := sprintf("Pod %q is created directly, not by a controller: nothing recreates it when its node fails, is drained or evicts it", [object.get(obj, ["metadata", "name"], object.get(obj, ["metadata", "generateName"], ""))])
}
