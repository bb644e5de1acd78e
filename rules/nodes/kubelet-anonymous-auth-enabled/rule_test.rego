package kordon.kubelet_anonymous_auth_enabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_enabled_is_reported if {
	results := violation with input as review({"authentication": {"anonymous": {"enabled": true}}})
	count(results) == 1
	some r in results
	r.details.path == ["authentication", "anonymous", "enabled"]
}

test_default_and_false_are_quiet if {
	count(violation) == 0 with input as review({})
	count(violation) == 0 with input as review({"authentication": {"anonymous": {"enabled": false}}})
}

test_flags_default_to_anonymous_access if {
	obj := {"apiVersion": "kordon.dev/v1", "kind": "SystemdUnit", "metadata": {"name": "kubelet.service"}, "service": {"command": ["/usr/bin/kubelet", "--kubeconfig=/etc/kubernetes/kubelet.conf"], "unresolvedVariables": []}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["service", "command"]
	not r.details.fix
	contains(r.msg, "unset, so true")
}

test_container_flag_gets_a_fix_and_pods_without_kubelet_are_quiet if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--anonymous-auth=true"]}]}}
	results := violation with input as {"review": {"object": pod}, "parameters": {}}
	some r in results
	r.details.fix[0].value == "--anonymous-auth=false"
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "web", "image": "nginx"}]}}}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--config=/var/lib/kubelet/config.yaml"]}]}}}, "parameters": {}}
}
