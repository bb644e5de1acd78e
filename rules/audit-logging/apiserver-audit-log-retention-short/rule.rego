package kordon.apiserver_audit_log_retention_short

import rego.v1

import data.lib.kordon.control_plane as cp

limits := {
	"audit-log-maxage": ["minAgeDays", 30, "days"],
	"audit-log-maxbackup": ["minBackups", 10, "files"],
	"audit-log-maxsize": ["minSizeMegabytes", 100, "MB per file"],
}

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	cp.flag(entry, "audit-log-path").value != "-"
	some name, limit in limits
	f := cp.flag(entry, name)
	value := to_number(f.value)
	minimum := object.get(input.parameters, limit[0], limit[1])
	value > 0
	value < minimum
	msg := sprintf("kube-apiserver in container %q keeps audit logs for only %v %s (--%s); keep at least %v", [entry.name, value, limit[2], name, minimum])
}
