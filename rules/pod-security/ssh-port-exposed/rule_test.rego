package kordon.ssh_port_exposed

import rego.v1

pod(ports) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "ports": ports}]}}

test_port_22_is_reported if {
	results := violation with input as {"review": {"object": pod([{"containerPort": 8080}, {"containerPort": 22}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "ports", 1, "containerPort"]
}

test_other_ports_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"containerPort": 2222}, {"containerPort": 80}])}, "parameters": {}}
}

test_odd_port_items_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([null, {"name": "x"}])}, "parameters": {}}
}
