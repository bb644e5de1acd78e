package kordon.service_node_port

import rego.v1

svc(type) := {"kind": "Service", "metadata": {"name": "web", "namespace": "shop"}, "spec": {"type": type, "ports": [{"port": 80, "nodePort": 30080}]}}

test_node_port_is_reported if {
	results := violation with input as {"review": {"object": svc("NodePort")}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "type"]
}

test_cluster_ip_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": svc("ClusterIP")}, "parameters": {}}
}

test_exemptions if {
	count(violation) == 0 with input as {"review": {"object": svc("NodePort")}, "parameters": {"exemptServices": ["shop/web"]}}
	count(violation) == 0 with input as {"review": {"object": svc("NodePort")}, "parameters": {"exemptNamespaces": ["shop"]}}
}
