package kordon.privileged_container_port

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	allowed := object.get(input.parameters, "allowedPorts", [])
	some entry in pods.containers(input.review.object)
	ports := object.get(entry.container, "ports", [])
	is_array(ports)
	some i, port in ports
	is_object(port)
	number := object.get(port, "containerPort", 0)
	is_number(number)
	number > 0
	number < 1024
	# Port 22 has a rule of its own (ssh-port-exposed).
	number != 22
	not number in allowed
	path := array.concat(entry.path, ["ports", i, "containerPort"])
	msg := sprintf("container %q listens on privileged port %v: binding it needs root or NET_BIND_SERVICE unless the runtime lowers the unprivileged port range", [entry.name, number])
}
