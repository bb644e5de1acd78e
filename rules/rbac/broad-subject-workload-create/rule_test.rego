package kordon.broad_subject_workload_create

import rego.v1

binding(kind, role, subjects) := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}, "roleRef": {"kind": kind, "name": role}, "subjects": subjects}

everyone := {"kind": "Group", "name": "system:authenticated"}

deployer := {"rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["create", "update"]}]}

reader := {"rules": [{"apiGroups": ["apps"], "resources": ["deployments"], "verbs": ["get", "list"]}]}

inventory := {"cluster": {"rbac.authorization.k8s.io/v1": {"ClusterRole": {"deployer": deployer, "reader": reader}}}, "namespace": {"shop": {"rbac.authorization.k8s.io/v1": {"Role": {"deployer": deployer}}}}}

test_builtin_edit_role_is_reported if {
	results := violation with input as {"review": {"object": binding("ClusterRole", "edit", [{"kind": "User", "name": "ann"}, everyone])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["subjects", 1]
}

test_scanned_role_that_creates_is_reported if {
	count(violation) == 1 with input as {"review": {"object": binding("Role", "deployer", [{"kind": "Group", "name": "system:serviceaccounts:shop"}])}, "parameters": {}} with data.inventory as inventory
}

test_read_only_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("ClusterRole", "reader", [everyone])}, "parameters": {}} with data.inventory as inventory
}

test_unknown_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("ClusterRole", "elsewhere", [everyone])}, "parameters": {}} with data.inventory as inventory
}

test_single_service_account_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("ClusterRole", "deployer", [{"kind": "ServiceAccount", "name": "ci", "namespace": "ci"}])}, "parameters": {}} with data.inventory as inventory
}
