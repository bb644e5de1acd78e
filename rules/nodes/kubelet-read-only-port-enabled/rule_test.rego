package kordon.kubelet_read_only_port_enabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_port_is_reported if {
	results := violation with input as review({"readOnlyPort": 10255})
	count(results) == 1
	some r in results
	r.details.path == ["readOnlyPort"]
}

test_zero_and_default_are_quiet if {
	count(violation) == 0 with input as review({"readOnlyPort": 0})
	count(violation) == 0 with input as review({})
}

test_flags_default_to_port_10255 if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--anonymous-auth=false"]}]}}
	results := violation with input as {"review": {"object": pod}, "parameters": {}}
	some r in results
	contains(r.msg, "read-only port 10255")
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--read-only-port=0"]}]}}}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}, "parameters": {}}
}
