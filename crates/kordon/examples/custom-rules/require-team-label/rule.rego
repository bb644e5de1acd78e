package example.missing_team_label

import rego.v1

violation contains {"msg": msg, "details": {"path": ["metadata", "labels", "team"]}} if {
	obj := input.review.object
	not obj.metadata.labels.team
	msg := sprintf("%s %q has no `team` label", [obj.kind, obj.metadata.name])
}
