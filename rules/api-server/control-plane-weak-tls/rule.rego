package kordon.control_plane_weak_tls

import rego.v1

import data.lib.kordon.control_plane as cp

# Flag names per component: etcd spells them its own way.
cipher_flag := {"kube-apiserver": "tls-cipher-suites", "kube-controller-manager": "tls-cipher-suites", "kube-scheduler": "tls-cipher-suites", "etcd": "cipher-suites"}

weak_versions := {"VersionTLS10", "VersionTLS11", "TLS1.0", "TLS1.1"}

violation contains {"msg": msg, "details": cp.flag_details(entry, flag, "")} if {
	some component, flag in cipher_flag
	some entry in cp.component_containers(input.review.object, component)
	weak := [name | some name in cp.flag_list(entry, flag); name != ""; not cp.strong_cipher(name)]
	count(weak) > 0
	msg := sprintf("%s in container %q allows TLS cipher suites without forward secrecy or authenticated encryption: %s", [component, entry.name, concat(", ", weak)])
}

violation contains {"msg": msg, "details": cp.flag_details(entry, "tls-min-version", "")} if {
	some component, _ in cipher_flag
	some entry in cp.component_containers(input.review.object, component)
	version := cp.flag(entry, "tls-min-version").value
	version in weak_versions
	msg := sprintf("%s in container %q accepts TLS versions older than 1.2 (--tls-min-version=%s)", [component, entry.name, version])
}
