package kordon.capability_added

import rego.v1

import data.lib.kordon.pods

# The baseline set: capabilities beyond it are reported by dangerous-capability-added.
baseline_capabilities := {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}

violation contains {"msg": msg, "details": {"path": cap.path}} if {
	allowed := {pods.capability_name(c) | some c in object.get(input.parameters, "allowedCapabilities", [])}
	some entry in pods.containers(input.review.object)
	some cap in pods.added_capabilities(entry)
	cap.name in baseline_capabilities
	not cap.name in allowed
	msg := sprintf("container %q adds the capability %s; restricted workloads add at most NET_BIND_SERVICE", [entry.name, cap.name])
}
