package kordon.cluster_admin_binding

import rego.v1

binding(subjects) := {"kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"}, "subjects": subjects}

sa := {"kind": "ServiceAccount", "name": "deployer", "namespace": "ci"}

test_service_account_bound_to_cluster_admin_is_reported if {
	results := violation with input as {"review": {"object": binding([sa])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["roleRef", "name"]
	contains(r.msg, "ServiceAccount ci/deployer")
}

test_system_masters_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([{"kind": "Group", "name": "system:masters"}])}, "parameters": {}}
}

test_allowed_subject_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([sa])}, "parameters": {"allowedSubjects": ["ServiceAccount:ci/deployer"]}}
}

test_other_role_is_quiet if {
	obj := object.union(binding([sa]), {"roleRef": {"kind": "ClusterRole", "name": "view"}})
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
