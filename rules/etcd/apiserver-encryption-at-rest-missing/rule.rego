package kordon.apiserver_encryption_at_rest_missing

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "encryption-provider-config")
	msg := sprintf("kube-apiserver in container %q sets no --encryption-provider-config: Secrets are stored unencrypted in etcd", [entry.name])
}
