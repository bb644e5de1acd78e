package kordon.kubelet_hostname_override_set

import rego.v1

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_override_is_reported_at_the_flag if {
	results := violation with input as review(pod(["--config=/var/lib/kubelet/config.yaml", "--hostname-override=worker-7"]))
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
	contains(r.msg, "worker-7")
}

test_no_override_is_quiet if {
	count(violation) == 0 with input as review(pod(["--config=/var/lib/kubelet/config.yaml"]))
	count(violation) == 0 with input as review(pod(["--hostname-override="]))
}
