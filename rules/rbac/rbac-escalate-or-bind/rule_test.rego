package kordon.rbac_escalate_or_bind

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_each_verb_is_reported_at_its_item if {
	results := violation with input as {"review": {"object": role([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["clusterroles", "roles"], "verbs": ["get", "bind", "escalate"]}])}, "parameters": {}}
	{r.details.path | some r in results} == {["rules", 0, "verbs", 1], ["rules", 0, "verbs", 2]}
}

test_plain_role_editing_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": ["rbac.authorization.k8s.io"], "resources": ["roles"], "verbs": ["create", "update"]}])}, "parameters": {}}
}
