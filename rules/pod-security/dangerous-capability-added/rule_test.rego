package kordon.dangerous_capability_added

import rego.v1

baseline := ["AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE", "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"]

pod(add) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"capabilities": {"add": add}}}]}}

test_net_admin_reported if {
	results := violation with input as {"review": {"object": pod(["CHOWN", "NET_ADMIN"])}, "parameters": {"allowedCapabilities": baseline}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "capabilities", "add", 1]
}

test_cap_prefix_and_case_normalised if {
	count(violation) == 0 with input as {"review": {"object": pod(["cap_chown", "CAP_KILL"])}, "parameters": {"allowedCapabilities": baseline}}
	count(violation) == 1 with input as {"review": {"object": pod(["cap_sys_ptrace"])}, "parameters": {"allowedCapabilities": baseline}}
}

test_sys_admin_left_to_other_rule if {
	count(violation) == 0 with input as {"review": {"object": pod(["SYS_ADMIN", "ALL"])}, "parameters": {"allowedCapabilities": baseline}}
}

test_parameter_allows_more if {
	count(violation) == 0 with input as {"review": {"object": pod(["NET_ADMIN"])}, "parameters": {"allowedCapabilities": ["NET_ADMIN"]}}
}
