package kordon.apiserver_tls_cert_missing

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	missing := [sprintf("--%s", [name]) | some name in ["tls-cert-file", "tls-private-key-file"]; not has_value(entry, name)]
	count(missing) > 0
	msg := sprintf("kube-apiserver in container %q sets no %s: it serves a self-signed certificate that clients cannot verify", [entry.name, concat(" or ", missing)])
}

has_value(entry, name) if cp.flag(entry, name).value != ""
