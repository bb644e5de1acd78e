package kordon.kubelet_anonymous_auth_enabled

import rego.v1

path := ["authentication", "anonymous", "enabled"]

violation contains {"msg": "the kubelet accepts anonymous requests on its API (authentication.anonymous.enabled: true)", "details": details} if {
	object.get(input.review.object, path, false) == true
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}
