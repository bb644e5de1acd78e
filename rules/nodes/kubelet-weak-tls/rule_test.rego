package kordon.kubelet_weak_tls

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_weak_suites_in_configuration_are_named if {
	results := violation with input as review(config({"tlsCipherSuites": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_3DES_EDE_CBC_SHA"]}))
	count(results) == 1
	some r in results
	r.details.path == ["tlsCipherSuites"]
	endswith(r.msg, ": TLS_RSA_WITH_3DES_EDE_CBC_SHA")
}

test_weak_flag_and_old_version if {
	results := violation with input as review(pod(["--tls-cipher-suites=TLS_RSA_WITH_AES_128_CBC_SHA", "--tls-min-version=VersionTLS11"]))
	count(results) == 2
}

test_strong_and_unset_are_quiet if {
	count(violation) == 0 with input as review(config({"tlsCipherSuites": ["TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"], "tlsMinVersion": "VersionTLS12"}))
	count(violation) == 0 with input as review(config({}))
}
