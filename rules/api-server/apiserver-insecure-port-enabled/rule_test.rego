package kordon.apiserver_insecure_port_enabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_insecure_port_is_reported_with_fix if {
	results := violation with input as review(["--insecure-port=8080"])
	count(results) == 1
	some r in results
	r.details.fix == [{"op": "replace", "path": ["spec", "containers", 0, "command", 1], "value": "--insecure-port=0"}]
}

test_public_bind_address_is_reported if {
	results := violation with input as review(["--insecure-port=8080", "--insecure-bind-address=0.0.0.0"])
	{r.details.path | some r in results} == {["spec", "containers", 0, "command", 1], ["spec", "containers", 0, "command", 2]}
}

test_disabled_port_is_quiet if {
	count(violation) == 0 with input as review(["--insecure-port=0", "--insecure-bind-address=0.0.0.0"])
	count(violation) == 0 with input as review(["--anonymous-auth=false"])
}
