package kordon.privilege_escalation_allowed

import rego.v1

pod(container) := {"kind": "Pod", "spec": {"containers": [container]}}

test_unset_reported_with_add_fix if {
	results := violation with input as {"review": {"object": pod({"name": "a", "securityContext": {"runAsNonRoot": true}})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"]
	r.details.fix == [{"op": "add", "path": ["spec", "containers", 0, "securityContext", "allowPrivilegeEscalation"], "value": false}]
}

test_true_reported_with_replace_fix if {
	results := violation with input as {"review": {"object": pod({"name": "a", "securityContext": {"allowPrivilegeEscalation": true}})}, "parameters": {}}
	some r in results
	r.details.fix[0].op == "replace"
	contains(r.msg, "allowPrivilegeEscalation: true")
}

test_false_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"name": "a", "securityContext": {"allowPrivilegeEscalation": false}})}, "parameters": {}}
}

test_every_container_kind_checked if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "i"}],
		"containers": [{"name": "c", "securityContext": {"allowPrivilegeEscalation": false}}],
		"ephemeralContainers": [{"name": "e"}],
	}}}}}}
	count(violation) == 2 with input as {"review": {"object": obj}, "parameters": {}}
}
