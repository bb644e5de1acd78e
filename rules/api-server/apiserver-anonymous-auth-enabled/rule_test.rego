package kordon.apiserver_anonymous_auth_enabled

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_true_is_reported_at_flag_with_fix if {
	results := violation with input as review(["--profiling=false", "--anonymous-auth=true"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
	r.details.fix[0].value == "--anonymous-auth=false"
}

test_missing_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"])
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
	not r.details.fix
}

test_false_is_quiet if {
	count(violation) == 0 with input as review(["--anonymous-auth=false"])
}

test_authentication_config_is_not_judged if {
	count(violation) == 0 with input as review(["--authentication-config=/etc/kubernetes/authn.yaml"])
}

test_other_pods_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "web", "command": ["nginx"]}]}}}, "parameters": {}}
}
