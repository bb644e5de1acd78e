package kordon.apiserver_token_auth_file

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_token_file_is_reported if {
	results := violation with input as review(["--token-auth-file=/etc/kubernetes/tokens.csv"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_absent_is_quiet if {
	count(violation) == 0 with input as review(["--anonymous-auth=false"])
}
