package kordon.apiserver_authorization_without_node_rbac

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "authorization-mode")
	modes := cp.flag_list(entry, "authorization-mode")
	not "AlwaysAllow" in modes
	lacking := [wanted | some wanted in ["Node", "RBAC"]; not wanted in modes]
	count(lacking) > 0
	msg := sprintf("kube-apiserver in container %q: --authorization-mode %q lacks %s", [entry.name, f.value, concat(" and ", lacking)])
}
