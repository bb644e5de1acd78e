package kordon.control_plane_profiling_enabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "profiling", "--profiling=false")} if {
	some component in ["kube-apiserver", "kube-controller-manager", "kube-scheduler"]
	some entry in cp.component_containers(input.review.object, component)
	not cp.flag_is(entry, "profiling", "false")
	msg := sprintf("%s in container %q serves profiling endpoints (--profiling is %s)", [component, entry.name, cp.describe(entry, "profiling", "true")])
}
