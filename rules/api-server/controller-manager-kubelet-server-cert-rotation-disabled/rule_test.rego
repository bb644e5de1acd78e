package kordon.controller_manager_kubelet_server_cert_rotation_disabled

import rego.v1

manager(flags) := {"kind": "Pod", "metadata": {"name": "kube-controller-manager", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-controller-manager", "command": array.concat(["kube-controller-manager"], flags)}]}}

findings(flags) := results if {
	results := violation with input as {"review": {"object": manager(flags)}, "parameters": {}}
}

test_gate_turned_off_is_reported_at_the_flag if {
	results := findings(["--profiling=false", "--feature-gates=RotateKubeletServerCertificate=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
}

test_any_false_spelling_and_the_last_entry_wins if {
	count(findings(["--feature-gates=SomeGate=true, RotateKubeletServerCertificate=False"])) == 1
	count(findings(["--feature-gates", "RotateKubeletServerCertificate=0"])) == 1
	count(findings(["--feature-gates=RotateKubeletServerCertificate=false,RotateKubeletServerCertificate=true"])) == 0
	count(findings(["--feature-gates=RotateKubeletServerCertificate=true,RotateKubeletServerCertificate=f"])) == 1
}

test_default_and_explicit_true_are_quiet if {
	# The gate is on by default: leaving it out is not turning it off.
	count(findings(["--profiling=false"])) == 0
	count(findings(["--feature-gates=RotateKubeletServerCertificate=true"])) == 0
	count(findings(["--feature-gates=OtherGate=false"])) == 0
}

test_the_last_flag_counts if {
	count(findings(["--feature-gates=RotateKubeletServerCertificate=false", "--feature-gates=OtherGate=true"])) == 0
}

test_other_components_are_not_judged if {
	pod := {"kind": "Pod", "metadata": {"name": "kube-apiserver"}, "spec": {"containers": [{"name": "kube-apiserver", "command": ["kube-apiserver", "--feature-gates=RotateKubeletServerCertificate=false"]}]}}
	count(violation) == 0 with input as {"review": {"object": pod}, "parameters": {}}
}
