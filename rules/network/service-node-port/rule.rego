package kordon.service_node_port

import rego.v1

violation contains {"msg": msg, "details": {"path": ["spec", "type"]}} if {
	obj := input.review.object
	obj.spec.type == "NodePort"
	not exempt(obj)
	ports := [p | some port in object.get(obj.spec, "ports", []); p := object.get(port, "nodePort", "auto")]
	msg := sprintf("Service %q is a NodePort: it listens on every node's address (node ports %v), bypassing ingress", [object.get(obj, ["metadata", "name"], ""), ports])
}

exempt(obj) if object.get(obj, ["metadata", "namespace"], "default") in object.get(input.parameters, "exemptNamespaces", [])

exempt(obj) if {
	key := sprintf("%s/%s", [object.get(obj, ["metadata", "namespace"], "default"), object.get(obj, ["metadata", "name"], "")])
	key in object.get(input.parameters, "exemptServices", [])
}
