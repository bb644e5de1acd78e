package kordon.controller_manager_root_ca_missing

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-controller-manager", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-controller-manager", "command": array.concat(["kube-controller-manager"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_empty_is_reported_at_flag if {
	results := violation with input as review(["--root-ca-file", ""])
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_set_is_quiet if {
	count(violation) == 0 with input as review(["--root-ca-file=/etc/kubernetes/pki/ca.crt"])
}
