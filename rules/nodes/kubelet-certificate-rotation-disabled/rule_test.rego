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

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

flags_review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_false_flag_is_reported_with_a_replacement if {
	results := violation with input as flags_review(["--rotate-certificates=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	r.details.fix[0].value == "--rotate-certificates=true"
}

test_feature_gate_off_on_the_command_line_is_reported if {
	results := violation with input as flags_review(["--feature-gates=GracefulNodeShutdown=true,RotateKubeletServerCertificate=false"])
	count(results) == 1
	some r in results
	contains(r.msg, "serving certificate")
	not r.details.fix
}

test_unset_or_true_flags_are_quiet if {
	count(violation) == 0 with input as flags_review([])
	count(violation) == 0 with input as flags_review(["--rotate-certificates", "--feature-gates=RotateKubeletServerCertificate=true"])
}
