package kordon.rbac_wildcard_api_group

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_wildcard_group_points_at_item if {
	results := violation with input as {"review": {"object": role([{"apiGroups": ["*"], "resources": ["deployments"], "verbs": ["get"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "apiGroups", 0]
}

test_wildcard_resources_left_to_the_resource_rule if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get"]}])}, "parameters": {}}
}

test_named_group_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get"]}])}, "parameters": {}}
}
