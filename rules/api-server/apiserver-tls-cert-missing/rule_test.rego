package kordon.apiserver_tls_cert_missing

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_both_missing_is_one_finding_at_command if {
	results := violation with input as review(["--profiling=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	contains(r.msg, "--tls-cert-file or --tls-private-key-file")
}

test_key_missing_is_reported if {
	results := violation with input as review(["--tls-cert-file=/etc/kubernetes/pki/apiserver.crt"])
	some r in results
	contains(r.msg, "no --tls-private-key-file:")
}

test_both_set_is_quiet if {
	count(violation) == 0 with input as review(["--tls-cert-file=/pki/apiserver.crt", "--tls-private-key-file", "/pki/apiserver.key"])
}
