package kordon.sys_admin_capability

import rego.v1

pod(add) := {"kind": "Pod", "spec": {"ephemeralContainers": [{"name": "dbg", "securityContext": {"capabilities": {"add": add}}}]}}

test_sys_admin_reported if {
	results := violation with input as {"review": {"object": pod(["CAP_SYS_ADMIN"])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "ephemeralContainers", 0, "securityContext", "capabilities", "add", 0]
}

test_all_reported if {
	count(violation) == 1 with input as {"review": {"object": pod(["all"])}, "parameters": {}}
}

test_other_caps_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod(["NET_BIND_SERVICE"])}, "parameters": {}}
}
