package kordon.capabilities_not_dropped

import rego.v1

pod(container) := {"kind": "Pod", "spec": {"containers": [container]}}

test_no_security_context if {
	results := violation with input as {"review": {"object": pod({"name": "a"})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "capabilities", "drop"]
	r.details.fix == [{"op": "add", "path": ["spec", "containers", 0, "securityContext"], "value": {"capabilities": {"drop": ["ALL"]}}}]
}

test_partial_drop_is_extended if {
	c := {"name": "a", "securityContext": {"capabilities": {"drop": ["NET_RAW"]}}}
	results := violation with input as {"review": {"object": pod(c)}, "parameters": {}}
	some r in results
	r.details.fix == [{"op": "replace", "path": ["spec", "containers", 0, "securityContext", "capabilities", "drop"], "value": ["NET_RAW", "ALL"]}]
}

test_drop_all_lowercase_is_quiet if {
	c := {"name": "a", "securityContext": {"capabilities": {"drop": ["all"]}}}
	count(violation) == 0 with input as {"review": {"object": pod(c)}, "parameters": {}}
}

test_message_names_net_raw_only_while_kept if {
	kept_all := violation with input as {"review": {"object": pod({"name": "a"})}, "parameters": {}}
	some r1 in kept_all
	contains(r1.msg, "(NET_RAW among them)")
	c := {"name": "a", "securityContext": {"capabilities": {"drop": ["net_raw"]}}}
	dropped := violation with input as {"review": {"object": pod(c)}, "parameters": {}}
	some r2 in dropped
	not contains(r2.msg, "NET_RAW among them")
	contains(r2.msg, "drops NET_RAW but not ALL")
}
