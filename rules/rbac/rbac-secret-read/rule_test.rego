package kordon.rbac_secret_read

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_list_on_secrets_points_at_verb if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["create", "list"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 1]
}

test_named_secrets_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["tls"], "verbs": ["get"]}])}, "parameters": {}}
}

test_write_only_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["secrets"], "verbs": ["create", "update"]}])}, "parameters": {}}
}

test_other_group_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["bitnami.com"], "resources": ["secrets"], "verbs": ["get"]}])}, "parameters": {}}
}
