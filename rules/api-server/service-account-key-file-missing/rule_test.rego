package kordon.service_account_key_file_missing

import rego.v1

pod(component, flags) := {"kind": "Pod", "metadata": {"name": component, "namespace": "kube-system"}, "spec": {"containers": [{"name": component, "command": array.concat([component], flags)}]}}

review(component, flags) := {"review": {"object": pod(component, flags)}, "parameters": {}}

test_apiserver_without_key_is_reported_at_command if {
	results := violation with input as review("kube-apiserver", ["--profiling=false"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	contains(r.msg, "--service-account-key-file")
}

test_controller_manager_without_key_is_reported if {
	results := violation with input as review("kube-controller-manager", ["--root-ca-file=/etc/kubernetes/pki/ca.crt"])
	count(results) == 1
	some r in results
	contains(r.msg, "--service-account-private-key-file")
}

test_empty_value_is_reported_at_the_flag if {
	results := violation with input as review("kube-apiserver", ["--service-account-key-file="])
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_keys_set_are_quiet if {
	count(violation) == 0 with input as review("kube-apiserver", ["--service-account-key-file=/etc/kubernetes/pki/sa.pub"])
	count(violation) == 0 with input as review("kube-controller-manager", ["--service-account-private-key-file", "/etc/kubernetes/pki/sa.key"])
	count(violation) == 0 with input as review("kube-scheduler", ["--profiling=false"])
}
