package kordon.host_port

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	allowed := {p | some p in object.get(input.parameters, "allowedHostPorts", [])}
	some entry in pods.containers(input.review.object)
	some i, port in object.get(entry.container, "ports", [])
	host_port := object.get(port, "hostPort", 0)
	host_port != 0
	not host_port in allowed
	path := array.concat(entry.path, ["ports", i, "hostPort"])
	msg := sprintf("container %q binds port %v on the node (hostPort)", [entry.name, host_port])
	details := {"path": path, "fix": [{"op": "remove", "path": path}]}
}
