package kordon.namespace_without_network_policy

import rego.v1

ns_object := {"kind": "Namespace", "metadata": {"name": "shop"}}

deployment(ns) := {"kind": "Deployment", "metadata": {"name": "web", "namespace": ns}}

bare := {"cluster": {"v1": {"Namespace": {"shop": ns_object}}}, "namespace": {"shop": {"apps/v1": {"Deployment": {"web": deployment("shop")}}}}}

with_policy := object.union(bare, {"namespace": {"shop": {"networking.k8s.io/v1": {"NetworkPolicy": {"deny": {}}}}}})

test_namespace_without_policy_is_reported_on_namespace if {
	results := violation with input as {"review": {"object": ns_object}, "parameters": {}} with data.inventory as bare
	count(results) == 1
	some r in results
	r.details.path == ["metadata", "name"]
	count(violation) == 0 with input as {"review": {"object": deployment("shop")}, "parameters": {}} with data.inventory as bare
}

test_policy_in_namespace_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": ns_object}, "parameters": {}} with data.inventory as with_policy
}

test_undeclared_namespace_lands_on_workload if {
	inventory := {"cluster": {}, "namespace": {"team": {"apps/v1": {"Deployment": {"web": deployment("team")}}}}}
	results := violation with input as {"review": {"object": deployment("team")}, "parameters": {}} with data.inventory as inventory
	count(results) == 1
	some r in results
	r.details.path == ["metadata", "namespace"]
}

test_clusterwide_policy_counts if {
	inventory := object.union(bare, {"cluster": {"cilium.io/v2": {"CiliumClusterwideNetworkPolicy": {"default-deny": {}}}}})
	count(violation) == 0 with input as {"review": {"object": ns_object}, "parameters": {}} with data.inventory as inventory
}

test_exempt_namespace_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": ns_object}, "parameters": {"exemptNamespaces": ["shop"]}} with data.inventory as bare
}
