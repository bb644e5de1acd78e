package kordon.anonymous_subject_binding

import rego.v1

binding(role, subjects) := {"kind": "ClusterRoleBinding", "metadata": {"name": "b"}, "roleRef": {"kind": "ClusterRole", "name": role}, "subjects": subjects}

test_unauthenticated_group_is_reported if {
	results := violation with input as {"review": {"object": binding("view", [{"kind": "Group", "name": "system:authenticated"}, {"kind": "Group", "name": "system:unauthenticated"}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["subjects", 1]
}

test_anonymous_user_is_reported if {
	count(violation) == 1 with input as {"review": {"object": binding("view", [{"kind": "User", "name": "system:anonymous"}])}, "parameters": {}}
}

test_public_info_viewer_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding("system:public-info-viewer", [{"kind": "Group", "name": "system:unauthenticated"}])}, "parameters": {}}
}
