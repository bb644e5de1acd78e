package kordon.exposed_by_service

import rego.v1

# A test rule: a Deployment is reported with every Service of the scan named as related, plus
# references that cannot resolve (a missing object, a wrong namespace), which must be dropped.
violation contains {"msg": "exposed", "details": details} if {
	input.review.object.kind == "Deployment"
	details := {"path": ["metadata", "name"], "related": [
		{"kind": "Service", "name": "web", "path": ["spec", "type"], "message": "the Service that exposes it"},
		{"kind": "Service", "name": "web", "namespace": "elsewhere"},
		{"kind": "Service", "name": "absent"},
		{"kind": "Service", "name": "web", "apiVersion": "example.com/v1"},
		{"name": "no-kind"},
		{"kind": "Service", "name": "web", "path": ["spec", "selector", "app"]},
	]}
}
