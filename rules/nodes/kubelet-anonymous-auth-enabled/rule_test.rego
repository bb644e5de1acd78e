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
