package kordon.controller_manager_shared_credentials

import rego.v1

pod(flags) := {"kind": "Pod", "spec": {"containers": [{"name": "kube-controller-manager", "command": array.concat(["kube-controller-manager"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_false_is_reported_with_fix if {
	results := violation with input as review(["--use-service-account-credentials=false"])
	count(results) == 1
	some r in results
	r.details.fix[0].value == "--use-service-account-credentials=true"
}

test_missing_is_reported if {
	count(violation) == 1 with input as review(["--profiling=false"])
}

test_true_is_quiet if {
	count(violation) == 0 with input as review(["--use-service-account-credentials=true"])
}
