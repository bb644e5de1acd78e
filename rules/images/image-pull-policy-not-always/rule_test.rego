package kordon.image_pull_policy_not_always

import rego.v1

pod(container) := {"kind": "Pod", "spec": {"containers": [container]}}

test_unset_policy_with_tag if {
	results := violation with input as {"review": {"object": pod({"name": "a", "image": "app:1.2"})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.fix == [{"op": "add", "path": ["spec", "containers", 0, "imagePullPolicy"], "value": "Always"}]
}

test_never_is_replaced if {
	results := violation with input as {"review": {"object": pod({"name": "a", "image": "app:1.2", "imagePullPolicy": "Never"})}, "parameters": {}}
	some r in results
	r.details.fix[0].op == "replace"
}

test_quiet_cases if {
	count(violation) == 0 with input as {"review": {"object": pod({"name": "a", "image": "app:1.2", "imagePullPolicy": "Always"})}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod({"name": "a", "image": "app:latest"})}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod({"name": "a", "image": "app@sha256:4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f", "imagePullPolicy": "IfNotPresent"})}, "parameters": {}}
}
