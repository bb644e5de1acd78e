package kordon.apiserver_audit_logging_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "audit-policy-file")
	msg := sprintf("kube-apiserver in container %q sets no --audit-policy-file: no request is audited", [entry.container.name])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "audit-log-path")
	not cp.has_flag(entry, "audit-webhook-config-file")
	msg := sprintf("kube-apiserver in container %q has no audit backend: set --audit-log-path or --audit-webhook-config-file", [entry.container.name])
}
