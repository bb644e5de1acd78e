package kordon.default_namespace

import rego.v1

violation contains {"msg": msg, "details": {"path": ["metadata", "namespace"]}} if {
	obj := input.review.object
	obj.metadata.namespace == "default"
	msg := sprintf("%s %q is placed in the default namespace", [obj.kind, object.get(obj, ["metadata", "name"], "")])
}
