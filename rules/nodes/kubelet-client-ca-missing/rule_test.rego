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

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

flags_review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_command_line_without_the_flag_is_reported_on_the_command if {
	results := violation with input as flags_review(["--kubeconfig=/etc/kubernetes/kubelet.conf"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	contains(r.msg, "--client-ca-file")
}

test_flag_or_config_file_is_quiet if {
	count(violation) == 0 with input as flags_review(["--client-ca-file=/etc/kubernetes/pki/ca.crt"])
	count(violation) == 0 with input as flags_review(["--config=/var/lib/kubelet/config.yaml"])
}

test_empty_flag_is_reported if {
	count(violation) == 1 with input as flags_review(["--client-ca-file="])
}
