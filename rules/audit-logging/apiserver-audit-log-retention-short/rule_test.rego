package kordon.apiserver_audit_log_retention_short

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_short_age_is_reported_at_flag if {
	results := violation with input as review(["--audit-log-path=/a.log", "--audit-log-maxage=7", "--audit-log-maxbackup=10"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
}

test_zero_means_unlimited if {
	count(violation) == 0 with input as review(["--audit-log-path=/a.log", "--audit-log-maxage=0"])
}

test_parameters_change_the_minimum if {
	count(violation) == 0 with input as {"review": {"object": pod(["--audit-log-path=/a.log", "--audit-log-maxage=7"])}, "parameters": {"minAgeDays": 7}}
}

test_stdout_log_is_not_judged if {
	count(violation) == 0 with input as review(["--audit-log-path=-", "--audit-log-maxage=1"])
}
