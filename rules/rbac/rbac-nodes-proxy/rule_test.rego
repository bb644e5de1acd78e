package kordon.rbac_nodes_proxy

import rego.v1

role(rules) := {"kind": "ClusterRole", "metadata": {"name": "r"}, "rules": rules}

test_nodes_proxy_is_reported if {
	results := violation with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["nodes", "nodes/proxy"], "verbs": ["get", "list"]}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["rules", 0, "verbs", 0]
}

test_nodes_metrics_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": role([{"apiGroups": [""], "resources": ["nodes", "nodes/metrics"], "verbs": ["get"]}])}, "parameters": {}}
}
