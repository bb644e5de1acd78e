package kordon.namespace_without_limit_range

import rego.v1

deployment := {"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}

bare := {"cluster": {}, "namespace": {"shop": {"apps/v1": {"Deployment": {"web": deployment}}}}}

covered := {"cluster": {}, "namespace": {"shop": {"apps/v1": {"Deployment": {"web": deployment}}, "v1": {"LimitRange": {"x": {}}}}}}

test_missing_is_reported_on_first_workload if {
	results := violation with input as {"review": {"object": deployment}, "parameters": {}} with data.inventory as bare
	count(results) == 1
	some r in results
	r.details.path == ["metadata", "namespace"]
}

test_present_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment}, "parameters": {}} with data.inventory as covered
}

test_exempt_namespace_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment}, "parameters": {"exemptNamespaces": ["shop"]}} with data.inventory as bare
}
