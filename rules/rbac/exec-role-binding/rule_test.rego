package kordon.exec_role_binding

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "dbg", "namespace": "shop"}, "rules": rules}

inventory(rules) := {"namespace": {"shop": {"rbac.authorization.k8s.io/v1": {"Role": {"dbg": role(rules)}}}}}

binding(subjects) := {"kind": "RoleBinding", "metadata": {"name": "b", "namespace": "shop"}, "roleRef": {"kind": "Role", "name": "dbg"}, "subjects": subjects}

ci := {"kind": "ServiceAccount", "name": "ci", "namespace": "shop"}

exec_rules := [{"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]}]

test_binding_to_exec_role_is_reported if {
	results := violation with input as {"review": {"object": binding([ci])}, "parameters": {}}
		with data.inventory as inventory(exec_rules)
	count(results) == 1
	some r in results
	r.details.path == ["roleRef", "name"]
	contains(r.msg, "ServiceAccount shop/ci")
}

test_binding_without_subjects_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([])}, "parameters": {}}
		with data.inventory as inventory(exec_rules)
}

test_binding_to_log_reader_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": binding([ci])}, "parameters": {}}
		with data.inventory as inventory([{"apiGroups": [""], "resources": ["pods/log"], "verbs": ["get"]}])
}
