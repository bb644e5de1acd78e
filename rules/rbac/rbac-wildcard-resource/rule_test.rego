package kordon.rbac_wildcard_resource

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "r", "namespace": "a"}, "rules": rules}

test_wildcard_resource_points_at_item if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["configmaps", "*"], "verbs": ["get"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "resources", 1]
}

test_subresource_wildcard_is_not_this_rule if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["get"]}])}, "parameters": {}}
}
