package kordon.control_plane_bind_address_exposed

import rego.v1

import data.lib.kordon.control_plane as cp

loopback := {"127.0.0.1", "localhost", "::1"}

violation contains {"msg": msg, "details": cp.flag_details(entry, "bind-address", "")} if {
	some component in ["kube-controller-manager", "kube-scheduler"]
	some entry in cp.component_containers(input.review.object, component)
	not cp.flag_in(entry, "bind-address", loopback)
	msg := sprintf("%s in container %q listens on every address (--bind-address is %s)", [component, entry.name, cp.describe(entry, "bind-address", "0.0.0.0")])
}
