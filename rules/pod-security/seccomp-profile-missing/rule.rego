package kordon.seccomp_profile_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	unprotected := [entry.name |
		some entry in pods.containers(obj)
		not has_profile_type(pods.effective_setting(entry, "seccompProfile", {}))
	]
	count(unprotected) > 0
	path := array.concat(pod.path, ["securityContext", "seccompProfile"])
	msg := sprintf("no seccomp profile applies to container(s) %s: set seccompProfile type RuntimeDefault", [concat(", ", [sprintf("%q", [n]) | some n in unprotected])])
	details := {"path": path, "fix": [pods.set_op(pod.spec, pod.path, ["securityContext", "seccompProfile"], {"type": "RuntimeDefault"})]}
}

has_profile_type(profile) if object.get(profile, "type", "") != ""
