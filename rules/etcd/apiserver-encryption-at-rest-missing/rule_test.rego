package kordon.apiserver_encryption_at_rest_missing

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_is_reported if {
	results := violation with input as review(["--etcd-servers=https://127.0.0.1:2379"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_configured_is_quiet if {
	count(violation) == 0 with input as review(["--encryption-provider-config=/etc/kubernetes/enc.yaml"])
}
