package kordon.etcd_auto_tls_enabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "etcd"}, "spec": {"containers": [{"name": "etcd", "command": array.concat(["etcd"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_peer_auto_tls_is_reported_with_fix if {
	results := violation with input as review(["--peer-auto-tls=true"])
	count(results) == 1
	some r in results
	r.details.fix == [{"op": "replace", "path": ["spec", "containers", 0, "command", 1], "value": "--peer-auto-tls=false"}]
}

test_absent_or_false_is_quiet if {
	count(violation) == 0 with input as review(["--auto-tls=false"])
	count(violation) == 0 with input as review([])
}
