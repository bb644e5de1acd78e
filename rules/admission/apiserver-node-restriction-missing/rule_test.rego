package kordon.apiserver_node_restriction_missing

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_plugin_is_reported_at_flag if {
	results := violation with input as review(["--enable-admission-plugins=NamespaceLifecycle"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_missing_flag_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"])
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_enabled_is_quiet if {
	count(violation) == 0 with input as review(["--enable-admission-plugins=NamespaceLifecycle,NodeRestriction"])
}
