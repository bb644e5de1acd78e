package kordon.apiserver_request_timeout_long

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags, parameters) := {"review": {"object": pod(flags)}, "parameters": parameters}

test_long_timeout_is_reported_at_the_flag_with_fix if {
	results := violation with input as review(["--request-timeout=1h"], {})
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	r.details.fix[0].value == "--request-timeout=300s"
	contains(r.msg, "3600s")
}

test_zero_is_reported if {
	results := violation with input as review(["--request-timeout", "0"], {})
	count(results) == 1
	some r in results
	not r.details.fix
}

test_default_and_short_timeouts_are_quiet if {
	count(violation) == 0 with input as review(["--profiling=false"], {})
	count(violation) == 0 with input as review(["--request-timeout=5m"], {})
	count(violation) == 0 with input as review(["--request-timeout=60s"], {})
}

test_unreadable_value_is_not_judged if {
	count(violation) == 0 with input as review(["--request-timeout=forever"], {})
}

test_parameter_sets_the_limit if {
	count(violation) == 1 with input as review(["--request-timeout=2m"], {"maxSeconds": 60})
}
