package kordon.binding_role_missing

import rego.v1

role_inventory := {"namespace": {"shop": {"rbac.authorization.k8s.io/v1": {"Role": {"reader": {"kind": "Role", "metadata": {"name": "reader", "namespace": "shop"}}}}}}}

binding(kind, name) := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}, "roleRef": {"kind": kind, "name": name}, "subjects": []}

review(obj, parameters) := {"review": {"object": obj}, "parameters": parameters}

test_missing_role_is_reported if {
	results := violation with input as review(binding("Role", "raeder"), {}) with data.inventory as role_inventory
	count(results) == 1
	some r in results
	r.details.path == ["roleRef", "name"]
}

test_present_role_is_quiet if {
	count(violation) == 0 with input as review(binding("Role", "reader"), {}) with data.inventory as role_inventory
}

test_a_role_of_another_namespace_does_not_count if {
	obj := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "other"}, "roleRef": {"kind": "Role", "name": "reader"}}
	count(violation) == 1 with input as review(obj, {}) with data.inventory as role_inventory
}

test_builtin_cluster_roles_are_quiet if {
	count(violation) == 0 with input as review(binding("ClusterRole", "edit"), {}) with data.inventory as role_inventory
	count(violation) == 0 with input as review(binding("ClusterRole", "system:auth-delegator"), {}) with data.inventory as role_inventory
}

test_a_namespaced_role_named_like_a_builtin_is_still_missing if {
	count(violation) == 1 with input as review(binding("Role", "edit"), {}) with data.inventory as role_inventory
}

test_known_roles_are_quiet if {
	count(violation) == 0 with input as review(binding("ClusterRole", "vendor-operator"), {"knownRoles": ["vendor-operator"]}) with data.inventory as role_inventory
}

test_bootstrap_roles_of_kube_system_are_quiet if {
	obj := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "kube-system"}, "roleRef": {"kind": "Role", "name": "extension-apiserver-authentication-reader"}}
	count(violation) == 0 with input as review(obj, {}) with data.inventory as role_inventory
	elsewhere := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "monitoring"}, "roleRef": {"kind": "Role", "name": "extension-apiserver-authentication-reader"}}
	count(violation) == 1 with input as review(elsewhere, {}) with data.inventory as role_inventory
}
