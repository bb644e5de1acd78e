package kordon.kubelet_certificate_rotation_disabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_rotation_off_is_reported if {
	results := violation with input as review({"rotateCertificates": false})
	count(results) == 1
	some r in results
	r.details.fix[0].value == true
}

test_feature_gate_off_is_reported if {
	count(violation) == 1 with input as review({"featureGates": {"RotateKubeletServerCertificate": false}})
}

test_default_is_quiet if {
	count(violation) == 0 with input as review({"rotateCertificates": true})
	count(violation) == 0 with input as review({})
}
