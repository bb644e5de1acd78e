package kordon.apiserver_kubelet_tls_unverified

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_ca_is_reported if {
	results := violation with input as review(["--kubelet-client-certificate=/a.crt", "--kubelet-client-key=/a.key"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_complete_is_quiet if {
	count(violation) == 0 with input as review(["--kubelet-client-certificate=/a.crt", "--kubelet-client-key=/a.key", "--kubelet-certificate-authority=/ca.crt"])
}
