package kordon.seccomp_unconfined

import rego.v1

import data.lib.kordon.pods

runtime_default := {"type": "RuntimeDefault"}

violation contains {"msg": msg, "details": details} if {
	pod := pods.pod_spec_entry(input.review.object)
	object.get(pod.spec, ["securityContext", "seccompProfile", "type"], "") == "Unconfined"
	path := array.concat(pod.path, ["securityContext", "seccompProfile", "type"])
	msg := "the pod disables seccomp for its containers (seccompProfile type Unconfined)"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]}
}

violation contains {"msg": msg, "details": details} if {
	some entry in pods.containers(input.review.object)
	object.get(entry.container, ["securityContext", "seccompProfile", "type"], "") == "Unconfined"
	path := array.concat(entry.path, ["securityContext", "seccompProfile", "type"])
	msg := sprintf("container %q disables seccomp (seccompProfile type Unconfined)", [entry.name])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "RuntimeDefault"}]}
}

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	meta_path := pods.pod_metadata_path(obj)
	some key, value in object.get(pods.pod_metadata(obj), "annotations", {})
	legacy_seccomp_key(key)
	lower(value) == "unconfined"
	path := array.concat(meta_path, ["annotations", key])
	msg := sprintf("annotation %q disables seccomp", [key])
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "runtime/default"}]}
}

legacy_seccomp_key(key) if key == "seccomp.security.alpha.kubernetes.io/pod"

legacy_seccomp_key(key) if startswith(key, "container.seccomp.security.alpha.kubernetes.io/")
