package kordon.apiserver_authorization_always_allow

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_always_allow_is_reported_at_flag if {
	results := violation with input as review(["--authorization-mode=RBAC,AlwaysAllow"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_missing_mode_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"])
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_rbac_and_config_file_are_quiet if {
	count(violation) == 0 with input as review(["--authorization-mode=Node,RBAC"])
	count(violation) == 0 with input as review(["--authorization-config=/etc/kubernetes/authz.yaml"])
}
