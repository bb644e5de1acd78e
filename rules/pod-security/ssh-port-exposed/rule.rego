package kordon.ssh_port_exposed

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	ports := object.get(entry.container, "ports", [])
	is_array(ports)
	some i, port in ports
	is_object(port)
	object.get(port, "containerPort", 0) == 22
	path := array.concat(entry.path, ["ports", i, "containerPort"])
	msg := sprintf("container %q declares port 22: an SSH server in a container is a second, unaudited way in", [entry.name])
}
