package kordon.control_plane_weak_tls

import rego.v1

pod(component, flags) := {"kind": "Pod", "metadata": {"name": component, "namespace": "kube-system"}, "spec": {"containers": [{"name": component, "command": array.concat([component], flags)}]}}

review(component, flags) := {"review": {"object": pod(component, flags)}, "parameters": {}}

test_weak_suites_are_named_at_the_flag if {
	results := violation with input as review("kube-apiserver", ["--tls-cipher-suites=TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,TLS_RSA_WITH_AES_128_CBC_SHA,TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	endswith(r.msg, "TLS_RSA_WITH_AES_128_CBC_SHA, TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA")
	not r.details.fix
}

test_etcd_cipher_flag_is_read if {
	count(violation) == 1 with input as review("etcd", ["--cipher-suites=TLS_RSA_WITH_AES_256_GCM_SHA384"])
}

test_old_tls_version_is_reported if {
	results := violation with input as review("kube-scheduler", ["--tls-min-version=VersionTLS10"])
	count(results) == 1
	count(violation) == 1 with input as review("etcd", ["--tls-min-version=TLS1.1"])
}

test_strong_and_unset_are_quiet if {
	count(violation) == 0 with input as review("kube-apiserver", ["--tls-cipher-suites=TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "--tls-min-version=VersionTLS12"])
	count(violation) == 0 with input as review("kube-apiserver", ["--profiling=false"])
}
