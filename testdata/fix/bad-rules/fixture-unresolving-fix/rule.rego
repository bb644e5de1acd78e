package kordon.fixture_unresolving_fix

import rego.v1

violation contains {"msg": "the pod is labelled broken", "details": details} if {
	input.review.object.metadata.labels.broken == "yes"
	details := {
		"path": ["metadata", "labels", "broken"],
		"fix": [{"op": "add", "path": ["metadata", "labels", "note"], "value": "still broken"}],
	}
}
