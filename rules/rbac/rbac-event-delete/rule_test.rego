package kordon.rbac_event_delete

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "r"}, "rules": rules}

review(rules) := {"review": {"object": role(rules)}, "parameters": {}}

test_granting_verb_is_reported if {
	results := violation with input as review([{"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["list", "delete"]}])
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_every_verb_is_reported if {
	count(violation) == 1 with input as review([{"apiGroups": ["*"], "resources": ["events"], "verbs": ["*"]}])
}

test_read_only_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["get", "list", "watch"]}])
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["example.com"], "resources": ["events"], "verbs": ["delete"]}])
}

test_other_resource_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["events.k8s.io"], "resources": ["pods"], "verbs": ["delete"]}])
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["delete"]}])}, "parameters": {"exemptRoles": ["r"]}}
}

test_bare_wildcard_resource_is_left_to_the_wildcard_rule if {
	count(violation) == 0 with input as review([{"apiGroups": ["events.k8s.io"], "resources": ["*"], "verbs": ["delete"]}])
}
