package kordon.rbac_csr_approve

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

review(rules) := {"review": {"object": role(rules)}, "parameters": {}}

test_granting_verb_is_reported if {
	results := violation with input as review([{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["list", "update"]}])
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_every_verb_is_reported if {
	count(violation) == 1 with input as review([{"apiGroups": ["*"], "resources": ["certificatesigningrequests/approval"], "verbs": ["*"]}])
}

test_read_only_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["get", "list", "watch"]}])
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["example.com"], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]}])
}

test_other_resource_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/status"], "verbs": ["update"]}])
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["certificates.k8s.io"], "resources": ["certificatesigningrequests/approval"], "verbs": ["update"]}])}, "parameters": {"exemptRoles": ["r"]}}
}

test_bare_wildcard_resource_is_left_to_the_wildcard_rule if {
	count(violation) == 0 with input as review([{"apiGroups": ["certificates.k8s.io"], "resources": ["*"], "verbs": ["update"]}])
}
