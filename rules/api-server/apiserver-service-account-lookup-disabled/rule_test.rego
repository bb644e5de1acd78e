package kordon.apiserver_service_account_lookup_disabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_false_is_reported_with_fix if {
	results := violation with input as review(["--service-account-lookup=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	r.details.fix[0].value == "--service-account-lookup=true"
}

test_separate_value_is_reported_without_fix if {
	results := violation with input as review(["--service-account-lookup", "false"])
	some r in results
	not r.details.fix
}

test_default_and_true_are_quiet if {
	count(violation) == 0 with input as review(["--profiling=false"])
	count(violation) == 0 with input as review(["--service-account-lookup=true"])
	count(violation) == 0 with input as review(["--service-account-lookup"])
}
