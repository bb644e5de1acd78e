package kordon.controller_manager_pod_gc_threshold_unset

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-controller-manager", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-controller-manager", "command": array.concat(["kube-controller-manager"], flags)}]}}

review(flags, parameters) := {"review": {"object": pod(flags)}, "parameters": parameters}

test_unset_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"], {})
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	contains(r.msg, "12500")
}

test_zero_turns_gc_off if {
	results := violation with input as review(["--terminated-pod-gc-threshold=0"], {})
	some r in results
	contains(r.msg, "turns off")
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_above_the_maximum_is_reported if {
	count(violation) == 1 with input as review(["--terminated-pod-gc-threshold=5000"], {"maximum": 1000})
	count(violation) == 0 with input as review(["--terminated-pod-gc-threshold=5000"], {})
}

test_set_and_unreadable_are_quiet if {
	count(violation) == 0 with input as review(["--terminated-pod-gc-threshold=1000"], {})
	count(violation) == 0 with input as review(["--terminated-pod-gc-threshold=lots"], {})
}
