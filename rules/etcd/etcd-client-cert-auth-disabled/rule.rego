package kordon.etcd_client_cert_auth_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "client-cert-auth", "--client-cert-auth=true")} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	not cp.flag_is(entry, "client-cert-auth", "true")
	msg := sprintf("etcd in container %q accepts any client without a certificate (--client-cert-auth is %s)", [entry.name, cp.describe(entry, "client-cert-auth", "false")])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	missing := [sprintf("--%s", [name]) | some name in ["cert-file", "key-file"]; not cp.has_flag(entry, name)]
	count(missing) > 0
	msg := sprintf("etcd in container %q sets no %s: clients connect without TLS", [entry.name, concat(", ", missing)])
}
