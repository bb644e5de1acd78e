package kordon.authenticated_group_binding

import rego.v1

binding(role, subjects) := {"kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": subjects}

authenticated := {"kind": "Group", "name": "system:authenticated"}

test_authenticated_group_is_reported if {
	results := violation with input as {"review": {"object": binding("view", [{"kind": "User", "name": "ann"}, authenticated])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["subjects", 1]
}

test_bootstrap_discovery_binding_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("system:discovery", [authenticated])}, "parameters": {}}
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("docs-reader", [authenticated])}, "parameters": {"exemptRoles": ["docs-reader"]}}
}

test_a_user_named_like_the_group_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("view", [{"kind": "User", "name": "system:authenticated"}])}, "parameters": {}}
}
