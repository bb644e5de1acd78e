# Views of data.inventory that rules would otherwise rebuild by searching a namespace on every
# review (which made them quadratic in the size of a namespace). Nothing here reads `input`: a
# scan evaluates this package once and keeps its values for every review (Gatekeeper computes
# them per review, with the same results). Keep it so: kordon checks that evaluating these rules
# reads no input, and evaluates them per review otherwise.
package lib.kordon.inventory

import rego.v1

import data.lib.kordon.workloads

# The core kinds whose objects run pods, in any API group (older groups such as `extensions`
# served them too). Written out rather than read from another package: reading a constant of
# another package makes the interpreter evaluate every constant of that package.
core_pod_owner_kinds := {"Pod", "CronJob", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# Whether objects of `kind` filed under `version` (an inventory apiVersion key) run pods: the core
# kinds in any group, and the other kinds of the workload table (OpenShift DeploymentConfig, Argo
# Rollout, Knative Service, the `workloads:` of .kordon.yaml) by group and kind, so a Knative
# `serving.knative.dev` Service runs pods and a core Service does not.
pod_owner(_, kind) if kind in core_pod_owner_kinds

pod_owner(version, kind) if {
	kind != "PodTemplate"
	workloads.group_template_paths[concat("/", [api_group(version), kind])]
}

api_group(version) := group if {
	[group, _] := split(version, "/")
} else := ""

# The first kind, in Rego's order, of the pod-running objects of each namespace.
first_workload_kind[ns] := min(kinds) if {
	some ns, versions in data.inventory.namespace
	kinds := {kind |
		some version, by_kind in versions
		some kind, named in by_kind
		count(named) > 0
		pod_owner(version, kind)
	}
	count(kinds) > 0
}

# The first name, in Rego's order, among the pod-running objects of each (namespace, kind).
first_workload_name[[ns, kind]] := min(names) if {
	some ns, versions in data.inventory.namespace
	kind := pod_owner_kinds_of(versions)[_]
	names := {name |
		some version, by_kind in versions
		pod_owner(version, kind)
		some name, _ in object.get(by_kind, kind, {})
	}
	count(names) > 0
}

# The kinds of pod-running objects among a namespace's objects.
pod_owner_kinds_of(versions) := {kind |
	some version, by_kind in versions
	some kind, _ in by_kind
	pod_owner(version, kind)
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
