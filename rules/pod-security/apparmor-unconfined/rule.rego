package kordon.apparmor_unconfined

import rego.v1

import data.lib.kordon.pods

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	object.get(pod.spec, ["securityContext", "appArmorProfile", "type"], "") == "Unconfined"
	path := array.concat(pod.path, ["securityContext", "appArmorProfile", "type"])
	msg := "the pod disables AppArmor for its containers (appArmorProfile type Unconfined)"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]}
}

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	object.get(entry.container, ["securityContext", "appArmorProfile", "type"], "") == "Unconfined"
	path := array.concat(entry.path, ["securityContext", "appArmorProfile", "type"])
	msg := sprintf("container %q disables AppArmor (appArmorProfile type Unconfined)", [entry.name])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]}
}

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	some key, value in object.get(pods.pod_metadata(obj), "annotations", {})
	startswith(key, annotation_prefix)
	lower(value) == "unconfined"
	path := array.concat(pods.pod_metadata_path(obj), ["annotations", key])
	msg := sprintf("container %q runs without AppArmor (annotation set to unconfined)", [substring(key, count(annotation_prefix), -1)])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "runtime/default"}]}
}
