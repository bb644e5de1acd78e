package kordon.pod_disruption_budget_missing

import rego.v1

deployment(replicas) := {"kind": "Deployment", "metadata": {"name": "api", "namespace": "shop"}, "spec": {"replicas": replicas, "template": {"metadata": {"labels": {"app": "api"}}}}}

inventory_with_budget(selector) := {"namespace": {"shop": {"policy/v1": {"PodDisruptionBudget": {"api": {"spec": {"selector": selector}}}}}}}

test_no_budget_reported if {
	results := violation with input as {"review": {"object": deployment(3)}, "parameters": {}} with data.inventory as {}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "replicas"]
}

test_matching_budget_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment(3)}, "parameters": {}} with data.inventory as inventory_with_budget({"matchLabels": {"app": "api"}})
}

test_budget_for_other_pods_reported if {
	count(violation) == 1 with input as {"review": {"object": deployment(3)}, "parameters": {}} with data.inventory as inventory_with_budget({"matchLabels": {"app": "db"}})
}

test_templated_replicas_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment("${REPLICAS:-1}")}, "parameters": {}} with data.inventory as {}
}

test_single_replica_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment(1)}, "parameters": {}} with data.inventory as {}
}
