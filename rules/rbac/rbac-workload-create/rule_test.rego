package kordon.rbac_workload_create

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "r"}, "rules": rules}

review(rules) := {"review": {"object": role(rules)}, "parameters": {}}

test_granting_verb_is_reported if {
	results := violation with input as review([{"apiGroups": ["batch"], "resources": ["pods"], "verbs": ["list", "create"]}])
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_every_verb_is_reported if {
	count(violation) == 1 with input as review([{"apiGroups": ["*"], "resources": ["pods"], "verbs": ["*"]}])
}

test_read_only_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["batch"], "resources": ["pods"], "verbs": ["get", "list", "watch"]}])
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["example.com"], "resources": ["pods"], "verbs": ["create"]}])
}

test_other_resource_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["batch"], "resources": ["deployments/scale"], "verbs": ["create"]}])
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["batch"], "resources": ["pods"], "verbs": ["create"]}])}, "parameters": {"exemptRoles": ["r"]}}
}

test_bare_wildcard_resource_is_left_to_the_wildcard_rule if {
	count(violation) == 0 with input as review([{"apiGroups": ["batch"], "resources": ["*"], "verbs": ["create"]}])
}
