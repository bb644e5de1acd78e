package kordon.apiserver_etcd_connection_insecure

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_http_url_is_reported_at_flag if {
	results := violation with input as review(["--etcd-servers=http://10.0.0.5:2379", "--etcd-cafile=/ca", "--etcd-certfile=/c", "--etcd-keyfile=/k"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_missing_certificates_are_reported if {
	count(violation) == 3 with input as review(["--etcd-servers=https://10.0.0.5:2379"])
}

test_tls_with_certificates_is_quiet if {
	count(violation) == 0 with input as review(["--etcd-servers=https://10.0.0.5:2379", "--etcd-cafile=/ca", "--etcd-certfile=/c", "--etcd-keyfile=/k"])
}
