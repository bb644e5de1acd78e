package kordon.port_not_allowed

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	allowed := object.get(input.parameters, "allowedPorts", [])
	count(allowed) > 0
	some entry in pods.containers(input.review.object)
	some i, port in object.get(entry.container, "ports", [])
	not port.containerPort in allowed
	path := array.concat(entry.path, ["ports", i, "containerPort"])
	msg := sprintf("container %q listens on port %v, which is not an allowed port", [entry.name, port.containerPort])
}

violation contains {"msg": msg, "details": {"path": path}} if {
	allowed := object.get(input.parameters, "allowedPorts", [])
	count(allowed) > 0
	obj := input.review.object
	obj.kind == "Service"
	some i, port in object.get(obj, ["spec", "ports"], [])
	not port.port in allowed
	path := ["spec", "ports", i, "port"]
	msg := sprintf("Service %q listens on port %v, which is not an allowed port", [object.get(obj, ["metadata", "name"], ""), port.port])
}
