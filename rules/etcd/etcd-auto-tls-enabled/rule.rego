package kordon.etcd_auto_tls_enabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, name, sprintf("--%s=false", [name]))} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	some name in ["auto-tls", "peer-auto-tls"]
	cp.flag(entry, name).value == "true"
	msg := sprintf("etcd in container %q uses self-signed certificates (--%s=true): connections are encrypted but not authenticated", [entry.name, name])
}
