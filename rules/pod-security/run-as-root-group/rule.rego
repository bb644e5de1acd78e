package kordon.run_as_root_group

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	pods.effective_setting(entry, "runAsGroup", null) == 0
	path := pods.setting_path(entry, "runAsGroup")
	msg := sprintf("container %q runs with the root group (runAsGroup: 0)", [entry.name])
}

violation contains {"msg": msg, "details": {"path": path}} if {
	pod := pods.pod_spec_entry(input.review.object)
	object.get(pod.spec, ["securityContext", "fsGroup"], null) == 0
	path := array.concat(pod.path, ["securityContext", "fsGroup"])
	msg := "the pod's volumes are owned by the root group (fsGroup: 0)"
}

violation contains {"msg": msg, "details": {"path": path}} if {
	pod := pods.pod_spec_entry(input.review.object)
	some i, group in object.get(pod.spec, ["securityContext", "supplementalGroups"], [])
	group == 0
	path := array.concat(pod.path, ["securityContext", "supplementalGroups", i])
	msg := "the pod's processes get the root group as a supplemental group"
}
