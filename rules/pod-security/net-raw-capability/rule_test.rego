package kordon.net_raw_capability

import rego.v1

test_added_net_raw if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["cap_net_raw"]}}}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "capabilities", "add", 0]
}

test_default_capabilities_left_to_other_rule if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
