package kordon.kubelet_authorization_always_allow

import rego.v1

path := ["authorization", "mode"]

violation contains {"msg": "the kubelet authorizes every request to its API (authorization.mode: AlwaysAllow)", "details": details} if {
	object.get(input.review.object, path, "Webhook") == "AlwaysAllow"
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": "Webhook"}]}
}
