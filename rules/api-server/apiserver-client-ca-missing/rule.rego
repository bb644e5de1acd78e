package kordon.apiserver_client_ca_missing

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "client-ca-file", "")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.flag_set(entry, "client-ca-file")
	msg := sprintf("kube-apiserver in container %q sets no --client-ca-file: it cannot authenticate kubelets, controllers and users by client certificate", [entry.name])
}
