package kordon.apiserver_kubelet_tls_unverified

import rego.v1

import data.lib.kordon.control_plane as cp

consequences := {
	"kubelet-certificate-authority": "it trusts any certificate a kubelet presents",
	"kubelet-client-certificate": "it cannot authenticate to kubelets",
	"kubelet-client-key": "it cannot authenticate to kubelets",
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	missing := [name | some name in ["kubelet-certificate-authority", "kubelet-client-certificate", "kubelet-client-key"]; not cp.has_flag(entry, name)]
	count(missing) > 0
	flags := concat(", ", [sprintf("--%s", [name]) | some name in missing])
	effects := concat("; ", {consequences[name] | some name in missing})
	msg := sprintf("kube-apiserver in container %q sets no %s: %s", [entry.name, flags, effects])
}
