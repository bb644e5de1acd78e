package kordon.kubelet_client_ca_missing

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_missing_is_reported if {
	results := violation with input as review({"authentication": {"webhook": {"enabled": true}}})
	count(results) == 1
}

test_present_is_quiet if {
	count(violation) == 0 with input as review({"authentication": {"x509": {"clientCAFile": "/etc/kubernetes/pki/ca.crt"}}})
}
