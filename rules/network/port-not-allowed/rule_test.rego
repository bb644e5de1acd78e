package kordon.port_not_allowed

import rego.v1

params := {"allowedPorts": [8080, 443]}

test_container_port_reported if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 8080}, {"containerPort": 9229}]}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": params}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "ports", 1, "containerPort"]
}

test_service_port_reported if {
	obj := {"kind": "Service", "metadata": {"name": "s"}, "spec": {"ports": [{"port": 443}, {"port": 22}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": params}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "ports", 1, "port"]
}

test_empty_list_disables if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 9229}]}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {"allowedPorts": []}}
}
