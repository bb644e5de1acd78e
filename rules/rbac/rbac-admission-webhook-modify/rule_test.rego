package kordon.rbac_admission_webhook_modify

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

review(rules) := {"review": {"object": role(rules)}, "parameters": {}}

test_granting_verb_is_reported if {
	results := violation with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["list", "create"]}])
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_every_verb_is_reported if {
	count(violation) == 1 with input as review([{"apiGroups": ["*"], "resources": ["validatingwebhookconfigurations"], "verbs": ["*"]}])
}

test_read_only_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["get", "list", "watch"]}])
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["example.com"], "resources": ["validatingwebhookconfigurations"], "verbs": ["create"]}])
}

test_other_resource_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["events"], "verbs": ["create"]}])
}

test_exempt_role_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "verbs": ["create"]}])}, "parameters": {"exemptRoles": ["r"]}}
}

test_bare_wildcard_resource_is_left_to_the_wildcard_rule if {
	count(violation) == 0 with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["*"], "verbs": ["create"]}])
}

test_rule_limited_to_named_objects_is_quiet if {
	count(violation) == 0 with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "resourceNames": ["mine"], "verbs": ["update"]}])
}

test_resource_names_do_not_limit_create if {
	count(violation) == 1 with input as review([{"apiGroups": ["admissionregistration.k8s.io"], "resources": ["validatingwebhookconfigurations"], "resourceNames": ["mine"], "verbs": ["create"]}])
}
