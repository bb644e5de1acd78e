package kordon.service_public_load_balancer

import rego.v1

svc(extra) := object.union({"kind": "Service", "metadata": {"name": "db", "namespace": "shop"}, "spec": {"type": "LoadBalancer", "ports": [{"port": 5432}]}}, extra)

test_open_load_balancer_is_reported if {
	results := violation with input as {"review": {"object": svc({})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "type"]
}

test_source_ranges_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": svc({"spec": {"type": "LoadBalancer", "loadBalancerSourceRanges": ["10.0.0.0/8"]}})}, "parameters": {}}
}

test_internal_annotation_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": svc({"metadata": {"name": "db", "annotations": {"networking.gke.io/load-balancer-type": "Internal"}}})}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": svc({"metadata": {"name": "db", "annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}}})}, "parameters": {}}
}
