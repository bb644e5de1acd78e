package kordon.pod_disruption_budget_missing

import rego.v1

import data.lib.kordon.inventory
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": ["spec", "replicas"]}} if {
	obj := input.review.object
	is_number(obj.spec.replicas)
	obj.spec.replicas >= 2
	labels := object.get(pods.pod_metadata(obj), "labels", {})
	not covered(labels)
	msg := sprintf("%s %q has %v replicas but no PodDisruptionBudget selects its pods", [obj.kind, object.get(obj, ["metadata", "name"], ""), obj.spec.replicas])
}

# Only the budgets that could select these labels are tried: those whose first matchLabels
# label the pods carry with the same value, and those without matchLabels.
covered(labels) if {
	namespace := object.get(input.review.object, ["metadata", "namespace"], "default")
	some key, value in labels
	some selector in inventory.labelled_budgets[inventory.label_key(namespace, key, value)]
	pods.selector_matches(selector, labels)
}

covered(labels) if {
	namespace := object.get(input.review.object, ["metadata", "namespace"], "default")
	some selector in inventory.unlabelled_budgets[namespace]
	pods.selector_matches(selector, labels)
}
