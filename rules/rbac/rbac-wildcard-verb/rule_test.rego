package kordon.rbac_wildcard_verb

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_wildcard_verb_points_at_item if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}, {"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "*"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 1, "verbs", 1]
}

test_listed_verbs_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list", "watch"]}])}, "parameters": {}}
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"resources": ["pods"], "verbs": ["*"]}])}, "parameters": {"exemptRoles": ["r"]}}
}
