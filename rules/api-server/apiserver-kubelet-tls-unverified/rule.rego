package kordon.apiserver_kubelet_tls_unverified

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "kubelet-certificate-authority")
	msg := sprintf("kube-apiserver in container %q sets no --kubelet-certificate-authority: it trusts any certificate a kubelet presents", [entry.container.name])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	some name in ["kubelet-client-certificate", "kubelet-client-key"]
	not cp.has_flag(entry, name)
	msg := sprintf("kube-apiserver in container %q sets no --%s: it cannot authenticate to kubelets", [entry.container.name, name])
}
