package lib.kordon.rbac_test

import rego.v1

import data.lib.kordon.rbac

test_subresource_wildcards_match if {
	rbac.resource_matches("pods/*", "pods/exec")
	rbac.resource_matches("*/exec", "pods/exec")
	rbac.resource_matches("*", "pods/exec")
	not rbac.resource_matches("pods", "pods/exec")
	not rbac.resource_matches("pods/log", "pods/exec")
}

test_bare_wildcard_is_not_named if {
	not rbac.resource_named("*", "secrets")
	rbac.resource_named("secrets", "secrets")
}

test_policy_rules_have_paths if {
	role := {"kind": "ClusterRole", "rules": [{"verbs": ["get"]}, {"verbs": ["list", "watch"]}]}
	[e.path | some e in rbac.policy_rules(role)] == [["rules", 0], ["rules", 1]]
}

test_first_granting_verb_points_at_item if {
	entry := {"path": ["rules", 2], "rule": {"verbs": ["list", "get"]}}
	rbac.first_granting_verb(entry, {"get"}).path == ["rules", 2, "verbs", 1]
}

test_broad_subjects if {
	rbac.broad_subject({"kind": "Group", "name": "system:authenticated"})
	rbac.broad_subject({"kind": "Group", "name": "system:serviceaccounts:team-a"})
	not rbac.broad_subject({"kind": "ServiceAccount", "name": "app", "namespace": "team-a"})
}

test_referenced_role_found_in_inventory if {
	inventory := {"cluster": {}, "namespace": {"team-a": {"rbac.authorization.k8s.io/v1": {"Role": {"deployer": {"rules": []}}}}}}
	binding := {"kind": "RoleBinding", "metadata": {"namespace": "team-a"}, "roleRef": {"kind": "Role", "name": "deployer"}}
	rbac.referenced_role(binding) == {"rules": []} with data.inventory as inventory
}

test_role_binding_without_namespace_looks_in_default if {
	inventory := {"cluster": {}, "namespace": {"default": {"rbac.authorization.k8s.io/v1": {"Role": {"r": {"rules": [1]}}}}}}
	binding := {"kind": "RoleBinding", "metadata": {}, "roleRef": {"kind": "Role", "name": "r"}}
	rbac.referenced_role(binding) == {"rules": [1]} with data.inventory as inventory
}

test_grant_finds_verb_for_named_resource if {
	entry := {"path": ["rules", 0], "rule": {"apiGroups": [""], "resources": ["pods", "secrets"], "verbs": ["create", "list"]}}
	rbac.grant(entry, [""], ["secrets"], {"get", "list", "watch"}).path == ["rules", 0, "verbs", 1]
	not rbac.grant(entry, ["apps"], ["secrets"], {"list"})
}
