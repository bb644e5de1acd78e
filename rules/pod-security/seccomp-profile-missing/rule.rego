package kordon.seccomp_profile_missing

import rego.v1

import data.lib.kordon.pods

# Only containers that AppArmor or SELinux already confine: a container with no confinement at
# all is reported once, by `linux-confinement-missing`, which offers the same fix.
violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	unprotected := [entry.name |
		some entry in pods.containers(obj)
		not pods.seccomp_type_set(entry)
		pods.mac_confined(obj, entry)
	]
	count(unprotected) > 0
	path := array.concat(pod.path, ["securityContext", "seccompProfile"])
	msg := sprintf("no seccomp profile applies to container(s) %s (AppArmor or SELinux confines them, seccomp does not): set seccompProfile type RuntimeDefault", [concat(", ", [sprintf("%q", [n]) | some n in unprotected])])
	details := {"path": path, "fix": [pods.set_op(pod.spec, pod.path, ["securityContext", "seccompProfile"], {"type": "RuntimeDefault"})]}
}
