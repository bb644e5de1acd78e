package kordon.apiserver_always_admit_plugin

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "enable-admission-plugins")
	"AlwaysAdmit" in cp.flag_list(entry, "enable-admission-plugins")
	msg := sprintf("kube-apiserver in container %q enables AlwaysAdmit, which overrides every other admission decision", [entry.name])
}
