package kordon.control_plane_profiling_enabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_true_is_reported_with_fix if {
	results := violation with input as review(["--profiling=true"])
	count(results) == 1
	some r in results
	r.details.fix[0].value == "--profiling=false"
}

test_scheduler_without_flag_is_reported if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "kube-scheduler", "command": ["kube-scheduler", "--bind-address=127.0.0.1"]}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_false_is_quiet if {
	count(violation) == 0 with input as review(["--profiling=false"])
}
