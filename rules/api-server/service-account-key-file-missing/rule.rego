package kordon.service_account_key_file_missing

import rego.v1

import data.lib.kordon.control_plane as cp

# The flag that carries the service-account key, per component.
key_flag := {
	"kube-apiserver": "service-account-key-file",
	"kube-controller-manager": "service-account-private-key-file",
}

consequence := {
	"kube-apiserver": "it verifies ServiceAccount tokens with its TLS serving key, so rotating that certificate invalidates every token",
	"kube-controller-manager": "it cannot sign ServiceAccount tokens, so legacy token Secrets stay empty and tokens are not issued under a key the API server checks",
}

violation contains {"msg": msg, "details": cp.flag_details(entry, flag, "")} if {
	some component, flag in key_flag
	some entry in cp.component_containers(input.review.object, component)
	not has_value(entry, flag)
	msg := sprintf("%s in container %q sets no --%s: %s", [component, entry.name, flag, consequence[component]])
}

has_value(entry, flag) if cp.flag(entry, flag).value != ""
