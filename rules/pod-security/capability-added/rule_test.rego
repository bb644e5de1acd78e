package kordon.capability_added

import rego.v1

pod(add) := {"kind": "Deployment", "spec": {"template": {"spec": {"initContainers": [{"name": "i", "securityContext": {"capabilities": {"add": add}}}]}}}}

test_chown_reported if {
	results := violation with input as {"review": {"object": pod(["NET_BIND_SERVICE", "CHOWN"])}, "parameters": {"allowedCapabilities": ["NET_BIND_SERVICE"]}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "initContainers", 0, "securityContext", "capabilities", "add", 1]
}

test_non_baseline_capability_left_to_other_rule if {
	count(violation) == 0 with input as {"review": {"object": pod(["NET_ADMIN"])}, "parameters": {"allowedCapabilities": ["NET_BIND_SERVICE"]}}
}
