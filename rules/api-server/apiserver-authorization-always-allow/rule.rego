package kordon.apiserver_authorization_always_allow

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "authorization-mode")
	"AlwaysAllow" in cp.flag_list(entry, "authorization-mode")
	msg := sprintf("kube-apiserver in container %q authorizes every request: --authorization-mode %q includes AlwaysAllow", [entry.name, f.value])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "authorization-mode")
	not cp.has_flag(entry, "authorization-config")
	msg := sprintf("kube-apiserver in container %q sets no --authorization-mode, which defaults to AlwaysAllow", [entry.name])
}
