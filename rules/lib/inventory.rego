# Views of data.inventory that rules would otherwise rebuild by searching a namespace on every
# review (which made them quadratic in the size of a namespace). Nothing here reads `input`: a
# scan evaluates this package once and keeps its values for every review (Gatekeeper computes
# them per review, with the same results). Keep it so: kordon checks that evaluating these rules
# reads no input, and evaluates them per review otherwise.
package lib.kordon.inventory

import rego.v1

# Kinds whose objects run pods. Written out rather than read from another package: reading a
# constant of another package makes the interpreter evaluate every constant of that package.
pod_owner_kinds := {"Pod", "CronJob", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# The first kind, in Rego's order, of the pod-running objects of each namespace.
first_workload_kind[ns] := min(kinds) if {
	some ns, _ in data.inventory.namespace
	kinds := {kind |
		some kind in pod_owner_kinds
		some version, _ in data.inventory.namespace[ns]
		count(data.inventory.namespace[ns][version][kind]) > 0
	}
	count(kinds) > 0
}

# The first name, in Rego's order, among the objects of each (namespace, pod-running kind).
first_workload_name[[ns, kind]] := min(names) if {
	some ns, versions in data.inventory.namespace
	some kind in pod_owner_kinds
	names := {name |
		some kinds in versions
		some name, _ in object.get(kinds, kind, {})
	}
	count(names) > 0
}

# The label a selector's matchLabels sorts first: every pod it selects carries that label.
first_label(selector) := min(object.keys(selector.matchLabels)) if {
	is_object(selector.matchLabels)
	count(selector.matchLabels) > 0
}

# The selectors of the PodDisruptionBudgets of each namespace.
budget_selectors contains [ns, selector] if {
	some ns, versions in data.inventory.namespace
	some kinds in versions
	some budget in object.get(kinds, "PodDisruptionBudget", {})
	selector := object.get(budget, ["spec", "selector"], {})
}

# Budget selectors with matchLabels, by `label_key(namespace, label, value)` of their first
# label: only they can select pods that carry that label with that value.
labelled_budgets[pair] contains selector if {
	some [ns, selector] in budget_selectors
	key := first_label(selector)
	pair := label_key(ns, key, selector.matchLabels[key])
}

# The key of `labelled_budgets` for a label and its value in a namespace.
label_key(ns, key, value) := json.marshal([ns, key, value])

# The other budget selectors of each namespace (without matchLabels): any of them may select
# any pods.
unlabelled_budgets[ns] contains selector if {
	some [ns, selector] in budget_selectors
	not first_label(selector)
}

# The names of the Services of each namespace that have a selector, by
# `label_key(namespace, label, value)` of the label their selector sorts first: only pods that
# carry that label with that value can be selected by them.
selecting_services_by_label[pair] contains name if {
	some ns, versions in data.inventory.namespace
	some name, service in object.get(versions, ["v1", "Service"], {})
	selector := object.get(service, ["spec", "selector"], {})
	is_object(selector)
	count(selector) > 0
	key := min(object.keys(selector))
	pair := label_key(ns, key, selector[key])
}
