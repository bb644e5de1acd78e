package kordon.kubelet_authorization_always_allow

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_always_allow_is_reported if {
	results := violation with input as review({"authorization": {"mode": "AlwaysAllow"}})
	count(results) == 1
	some r in results
	r.details.fix[0].value == "Webhook"
}

test_webhook_and_default_are_quiet if {
	count(violation) == 0 with input as review({"authorization": {"mode": "Webhook"}})
	count(violation) == 0 with input as review({})
}

test_flags_default_to_always_allow if {
	pod := {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--anonymous-auth=false"]}]}}
	results := violation with input as {"review": {"object": pod}, "parameters": {}}
	count(results) == 1
	some r in results
	contains(r.msg, "unset, so AlwaysAllow")
	count(violation) == 0 with input as {"review": {"object": {"kind": "Pod", "spec": {"containers": [{"name": "kubelet", "command": ["kubelet", "--authorization-mode=Webhook"]}]}}}, "parameters": {}}
}
