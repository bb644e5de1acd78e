package kordon.apiserver_token_auth_file

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "token-auth-file")
	msg := sprintf("kube-apiserver in container %q accepts static, never-expiring tokens from %q", [entry.name, f.value])
}
