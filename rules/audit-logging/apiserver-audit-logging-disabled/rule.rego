package kordon.apiserver_audit_logging_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	problems := [text | some check in checks; not configured(entry, check.flags); text := check.text]
	count(problems) > 0
	msg := sprintf("kube-apiserver in container %q writes no audit log: %s", [entry.name, concat("; ", problems)])
}

checks := [
	{"flags": ["audit-policy-file"], "text": "no --audit-policy-file, so no request is audited"},
	{"flags": ["audit-log-path", "audit-webhook-config-file"], "text": "no backend (--audit-log-path or --audit-webhook-config-file)"},
]

configured(entry, flags) if {
	some name in flags
	cp.has_flag(entry, name)
}
