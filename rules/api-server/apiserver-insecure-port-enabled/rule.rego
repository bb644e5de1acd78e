package kordon.apiserver_insecure_port_enabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "insecure-port", "--insecure-port=0")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "insecure-port")
	f.value != "0"
	msg := sprintf("kube-apiserver in container %q serves port %s without authentication or authorization", [entry.name, f.value])
}

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "insecure-bind-address")
	not f.value in {"127.0.0.1", "localhost", "::1"}
	not cp.flag_is(entry, "insecure-port", "0")
	msg := sprintf("kube-apiserver in container %q binds its unauthenticated port to %q, reachable from the network", [entry.name, f.value])
}
