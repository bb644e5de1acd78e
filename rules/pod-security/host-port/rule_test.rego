package kordon.host_port

import rego.v1

pod(ports) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "ports": ports}]}}

test_host_port_is_reported if {
	results := violation with input as {"review": {"object": pod([{"containerPort": 80, "hostPort": 8080}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "ports", 0, "hostPort"]
}

test_allowed_host_port_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 80, "hostPort": 80}])}, "parameters": {"allowedHostPorts": [80, 443]}}
}

test_zero_or_absent_host_port_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 80, "hostPort": 0}, {"containerPort": 81}])}, "parameters": {}}
}

test_init_container_host_port if {
	obj := {"kind": "Job", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "ports": [{"containerPort": 1, "hostPort": 9}]}]}}}}
	count(violation) == 1 with input as {"review": {"object": obj}, "parameters": {}}
}
