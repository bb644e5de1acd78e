package kordon.selinux_custom_options

import rego.v1

import data.lib.kordon.pods

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

# Every seLinuxOptions mapping with its path and the subject the message names.
options contains {"path": array.concat(pod.path, ["securityContext", "seLinuxOptions"]), "subject": "the pod", "options": opts} if {
	pod := pods.pod_spec_entry(input.review.object)
	opts := pod.spec.securityContext.seLinuxOptions
}

options contains {"path": array.concat(entry.path, ["securityContext", "seLinuxOptions"]), "subject": sprintf("container %q", [entry.name]), "options": opts} if {
	some entry in pods.containers(input.review.object)
	opts := entry.container.securityContext.seLinuxOptions
}

violation contains {"msg": msg, "details": {"path": path}} if {
	some o in options
	selinux_type := object.get(o.options, "type", "")
	not selinux_type in allowed_types
	path := array.concat(o.path, ["type"])
	msg := sprintf("%s uses the SELinux type %q, which is not a confined container type", [o.subject, selinux_type])
}

violation contains {"msg": msg, "details": {"path": path}} if {
	some o in options
	some field in ["user", "role"]
	value := object.get(o.options, field, "")
	value != ""
	path := array.concat(o.path, [field])
	msg := sprintf("%s sets a custom SELinux %s (%q)", [o.subject, field, value])
}
