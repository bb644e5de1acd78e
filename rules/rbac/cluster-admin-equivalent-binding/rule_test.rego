package kordon.cluster_admin_equivalent_binding

import rego.v1

inventory(rules) := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"super": {"kind": "ClusterRole", "metadata": {"name": "super"}, "rules": rules}}}}}

binding(role) := {"kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": [{"kind": "Group", "name": "ops"}]}

everything := [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}]

test_binding_to_all_wildcard_role_is_reported if {
	results := violation with input as {"review": {"object": binding("super")}, "parameters": {}}
		with data.inventory as inventory(everything)
	count(results) == 1
	some r in results
	r.details.path == ["roleRef", "name"]
}

test_partial_wildcards_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("super")}, "parameters": {}}
		with data.inventory as inventory([{"apiGroups": ["*"], "resources": ["*"], "verbs": ["get", "list"]}])
}

test_role_not_in_scan_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("elsewhere")}, "parameters": {}}
		with data.inventory as inventory(everything)
}

test_role_binding_to_a_namespaced_role_is_reported if {
	role := {"kind": "Role", "metadata": {"name": "ns-super", "namespace": "shop"}, "rules": everything}
	obj := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}, "roleRef": {"kind": "Role", "name": "ns-super"}, "subjects": []}
	count(violation) == 1 with input as {"review": {"object": obj}, "parameters": {}}
		with data.inventory as {"namespace": {"shop": {"rbac.authorization.k8s.io/v1": {"Role": {"ns-super": role}}}}}
}
