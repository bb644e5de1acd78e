package kordon.controller_manager_root_ca_missing

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "root-ca-file", "")} if {
	some entry in cp.component_containers(input.review.object, "kube-controller-manager")
	not cp.flag_set(entry, "root-ca-file")
	msg := sprintf("kube-controller-manager in container %q sets no --root-ca-file: pods get no CA bundle to verify the API server with", [entry.name])
}
