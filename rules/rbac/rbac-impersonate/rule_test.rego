package kordon.rbac_impersonate

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_impersonate_is_reported_at_the_verb if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["users", "groups"], "verbs": ["impersonate"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 0]
	contains(r.msg, "system:masters")
}

test_other_verbs_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["serviceaccounts"], "verbs": ["get"]}])}, "parameters": {}}
}
