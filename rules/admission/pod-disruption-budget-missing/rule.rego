package kordon.pod_disruption_budget_missing

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": ["spec", "replicas"]}} if {
	obj := input.review.object
	is_number(obj.spec.replicas)
	obj.spec.replicas >= 2
	labels := object.get(pods.pod_metadata(obj), "labels", {})
	not covered(labels)
	msg := sprintf("%s %q has %v replicas but no PodDisruptionBudget selects its pods", [obj.kind, object.get(obj, ["metadata", "name"], ""), obj.spec.replicas])
}

covered(labels) if {
	namespace := object.get(input.review.object, ["metadata", "namespace"], "default")
	some version
	some _, budget in data.inventory.namespace[namespace][version].PodDisruptionBudget
	pods.selector_matches(object.get(budget, ["spec", "selector"], {}), labels)
}
