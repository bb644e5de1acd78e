package kordon.apiserver_always_admit_plugin

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_always_admit_is_reported if {
	results := violation with input as review(["--enable-admission-plugins=NodeRestriction,AlwaysAdmit"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_other_plugins_are_quiet if {
	count(violation) == 0 with input as review(["--enable-admission-plugins=NodeRestriction"])
	count(violation) == 0 with input as review([])
}
