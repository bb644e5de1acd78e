package kordon.kubelet_serving_cert_missing

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_neither_certificate_nor_bootstrap_is_reported if {
	results := violation with input as review(config({"rotateCertificates": true}))
	count(results) == 1
	some r in results
	r.details.path == ["tlsCertFile"]
}

test_flags_without_certificate_are_reported_at_command if {
	results := violation with input as review(pod(["--v=2"]))
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_certificate_or_bootstrap_is_quiet if {
	count(violation) == 0 with input as review(config({"tlsCertFile": "/var/lib/kubelet/pki/kubelet.crt", "tlsPrivateKeyFile": "/var/lib/kubelet/pki/kubelet.key"}))
	count(violation) == 0 with input as review(config({"serverTLSBootstrap": true}))
	count(violation) == 0 with input as review(pod(["--rotate-server-certificates"]))
	count(violation) == 0 with input as review(pod(["--config=/var/lib/kubelet/config.yaml"]))
}
