package kordon.control_plane_bind_address_exposed

import rego.v1

pod(flags) := {"kind": "Pod", "spec": {"containers": [{"name": "kube-scheduler", "command": array.concat(["kube-scheduler"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_all_addresses_is_reported if {
	results := violation with input as review(["--bind-address=0.0.0.0"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_missing_is_reported if {
	count(violation) == 1 with input as review(["--profiling=false"])
}

test_loopback_is_quiet if {
	count(violation) == 0 with input as review(["--bind-address=127.0.0.1"])
}
