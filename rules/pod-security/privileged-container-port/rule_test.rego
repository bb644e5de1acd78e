package kordon.privileged_container_port

import rego.v1

pod(ports) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "ports": ports}]}}

test_port_80_is_reported if {
	results := violation with input as {"review": {"object": pod([{"containerPort": 8080}, {"containerPort": 80}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "ports", 1, "containerPort"]
}

test_ssh_is_left_to_its_rule if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 22}])}, "parameters": {}}
}

test_allowed_ports_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 443}])}, "parameters": {"allowedPorts": [443]}}
}

test_unprivileged_and_named_ports_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 1024}, {"containerPort": "http"}, null])}, "parameters": {}}
}
