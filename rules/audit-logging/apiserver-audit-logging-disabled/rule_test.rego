package kordon.apiserver_audit_logging_disabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_nothing_configured_gives_two_findings if {
	count(violation) == 2 with input as review(["--profiling=false"])
}

test_path_without_policy_is_reported if {
	results := violation with input as review(["--audit-log-path=/var/log/audit.log"])
	count(results) == 1
	some r in results
	contains(r.msg, "audit-policy-file")
}

test_policy_and_webhook_are_quiet if {
	count(violation) == 0 with input as review(["--audit-policy-file=/p.yaml", "--audit-webhook-config-file=/w.yaml"])
}
