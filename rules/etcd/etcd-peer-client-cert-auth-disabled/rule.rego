package kordon.etcd_peer_client_cert_auth_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "peer-client-cert-auth", "--peer-client-cert-auth=true")} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	not cp.flag_is(entry, "peer-client-cert-auth", "true")
	msg := sprintf("etcd in container %q accepts peers without a certificate (--peer-client-cert-auth is %s)", [entry.name, cp.describe(entry, "peer-client-cert-auth", "false")])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	missing := [sprintf("--%s", [name]) | some name in ["peer-cert-file", "peer-key-file"]; not cp.flag_set(entry, name)]
	count(missing) > 0
	msg := sprintf("etcd in container %q sets no %s: members replicate over plain connections", [entry.name, concat(", ", missing)])
}
