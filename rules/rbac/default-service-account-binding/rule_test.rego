package kordon.default_service_account_binding

import rego.v1

binding(subjects) := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}, "roleRef": {"kind": "Role", "name": "reader"}, "subjects": subjects}

test_default_service_account_is_reported_at_subject if {
	results := violation with input as {"review": {"object": binding([{"kind": "ServiceAccount", "name": "api"}, {"kind": "ServiceAccount", "name": "default"}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["subjects", 1]
	contains(r.msg, "namespace \"shop\"")
}

test_named_service_account_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([{"kind": "ServiceAccount", "name": "api", "namespace": "shop"}])}, "parameters": {}}
}

test_user_called_default_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([{"kind": "User", "name": "default"}])}, "parameters": {}}
}
