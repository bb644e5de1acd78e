package kordon.rbac_persistent_volume_create

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

review(rules) := {"review": {"object": role(rules)}, "parameters": {}}

test_granting_verb_is_reported if {
	results := violation with input as review([{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["list", "create"]}])
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_every_verb_is_reported if {
	count(violation) == 1 with input as review([{"apiGroups": ["*"], "resources": ["persistentvolumes"], "verbs": ["*"]}])
}

test_read_only_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["get", "list", "watch"]}])
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["example.com"], "resources": ["persistentvolumes"], "verbs": ["create"]}])
}

test_other_resource_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": [""], "resources": ["persistentvolumeclaims"], "verbs": ["create"]}])
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["persistentvolumes"], "verbs": ["create"]}])}, "parameters": {"exemptRoles": ["r"]}}
}

test_bare_wildcard_resource_is_left_to_the_wildcard_rule if {
	count(violation) == 0 with input as review([{"apiGroups": [""], "resources": ["*"], "verbs": ["create"]}])
}
