package kordon.linux_confinement_missing

import rego.v1

import data.lib.kordon.pods

# A container whose seccomp type is set (even to Unconfined, which `seccomp-unconfined` reports)
# is not this rule's: each unconfined container is reported by exactly one of the seccomp rules
# and this one.
violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	unconfined := [entry.name |
		some entry in pods.containers(obj)
		not pods.seccomp_type_set(entry)
		not pods.mac_confined(obj, entry)
	]
	count(unconfined) > 0
	path := array.concat(pod.path, ["securityContext", "seccompProfile"])
	msg := sprintf("container(s) %s run without any Linux confinement (no seccomp profile, AppArmor profile or SELinux type/level): set seccompProfile type RuntimeDefault", [concat(", ", [sprintf("%q", [n]) | some n in unconfined])])
	details := {"path": path, "fix": [pods.set_op(pod.spec, pod.path, ["securityContext", "seccompProfile"], {"type": "RuntimeDefault"})]}
}
