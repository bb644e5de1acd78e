package kordon.rbac_pod_exec

import rego.v1

role(rules) := {"kind": "Role", "metadata": {"name": "r", "namespace": "a"}, "rules": rules}

test_exec_create_is_reported if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods", "pods/exec"], "verbs": ["get", "create"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 0]
}

test_subresource_wildcard_is_reported if {
	count(violation) == 1 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods/*"], "verbs": ["create"]}])}, "parameters": {}}
}

test_logs_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["pods", "pods/log"], "verbs": ["get", "list"]}])}, "parameters": {}}
}
