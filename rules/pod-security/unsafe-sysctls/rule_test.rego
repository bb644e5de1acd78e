package kordon.unsafe_sysctls

import rego.v1

pod(sysctls) := {"kind": "Pod", "spec": {"securityContext": {"sysctls": sysctls}, "containers": [{"name": "a"}]}}

test_unsafe_reported if {
	results := violation with input as {"review": {"object": pod([{"name": "net.ipv4.tcp_syncookies", "value": "1"}, {"name": "kernel.msgmax", "value": "1"}])}, "parameters": {"allowedSysctls": ["net.ipv4.tcp_syncookies"]}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "sysctls", 1, "name"]
}

test_safe_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"name": "net.ipv4.tcp_syncookies", "value": "1"}])}, "parameters": {"allowedSysctls": ["net.ipv4.tcp_syncookies"]}}
}
