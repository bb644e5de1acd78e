package kordon.apiserver_node_restriction_missing

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "enable-admission-plugins", "")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not "NodeRestriction" in cp.flag_list(entry, "enable-admission-plugins")
	msg := sprintf("kube-apiserver in container %q does not enable the NodeRestriction admission plugin: kubelets may modify other nodes and their pods", [entry.name])
}
