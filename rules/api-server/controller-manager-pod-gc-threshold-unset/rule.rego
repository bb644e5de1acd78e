package kordon.controller_manager_pod_gc_threshold_unset

import rego.v1

import data.lib.kordon.control_plane as cp

maximum := object.get(input.parameters, "maximum", 12500)

violation contains {"msg": msg, "details": cp.flag_details(entry, "terminated-pod-gc-threshold", "")} if {
	some entry in cp.component_containers(input.review.object, "kube-controller-manager")
	problem := judge(entry)
	msg := sprintf("kube-controller-manager in container %q %s", [entry.name, problem])
}

judge(entry) := "sets no --terminated-pod-gc-threshold: up to 12500 finished pods are kept before any is collected" if {
	not cp.has_flag(entry, "terminated-pod-gc-threshold")
}

judge(entry) := sprintf("turns off garbage collection of finished pods (--terminated-pod-gc-threshold=%s)", [value]) if {
	value := cp.flag(entry, "terminated-pod-gc-threshold").value
	to_number(value) <= 0
}

judge(entry) := sprintf("keeps up to %s finished pods (--terminated-pod-gc-threshold), more than %v", [value, maximum]) if {
	value := cp.flag(entry, "terminated-pod-gc-threshold").value
	to_number(value) > maximum
}
