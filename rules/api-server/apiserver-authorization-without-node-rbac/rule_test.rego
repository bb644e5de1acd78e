package kordon.apiserver_authorization_without_node_rbac

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags) := {"review": {"object": pod(flags)}, "parameters": {}}

test_missing_node_is_reported if {
	results := violation with input as review(["--authorization-mode=RBAC"])
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	contains(r.msg, "lacks Node")
}

test_both_missing_give_two_findings if {
	count(violation) == 2 with input as review(["--authorization-mode=Webhook"])
}

test_node_rbac_is_quiet if {
	count(violation) == 0 with input as review(["--authorization-mode=Node,RBAC,Webhook"])
	count(violation) == 0 with input as review(["--authorization-mode=AlwaysAllow"])
}
