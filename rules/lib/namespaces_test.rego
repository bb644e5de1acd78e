package lib.kordon.namespaces_test

import rego.v1

import data.lib.kordon.namespaces

inventory := {
	"cluster": {"v1": {"Namespace": {"shop": {}}}},
	"namespace": {
		"shop": {"apps/v1": {"Deployment": {"web": {}}}},
		"batch": {"apps/v1": {"Deployment": {"b": {}, "a": {}}}, "batch/v1": {"CronJob": {"z": {}}}, "v1": {"ConfigMap": {"c": {}}}},
	},
}

test_namespace_object_carries_its_findings if {
	s := namespaces.subject({"kind": "Namespace", "metadata": {"name": "shop"}}) with data.inventory as inventory
	s == {"namespace": "shop", "path": ["metadata", "name"], "declared": true}
}

test_workload_in_declared_namespace_does_not_carry if {
	not namespaces.subject({"kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"}}) with data.inventory as inventory
}

test_first_workload_carries_for_undeclared_namespace if {
	namespaces.first_workload("batch") == ["CronJob", "z"] with data.inventory as inventory
	s := namespaces.subject({"kind": "CronJob", "metadata": {"name": "z", "namespace": "batch"}}) with data.inventory as inventory
	s.path == ["metadata", "namespace"]
	not namespaces.subject({"kind": "Deployment", "metadata": {"name": "a", "namespace": "batch"}}) with data.inventory as inventory
}

test_has_kind if {
	namespaces.has_kind("batch", {"ConfigMap"}) with data.inventory as inventory
	not namespaces.has_kind("shop", {"ConfigMap"}) with data.inventory as inventory
	not namespaces.has_kind("absent", {"ConfigMap"}) with data.inventory as inventory
}

test_candidate if {
	namespaces.candidate({"kind": "Namespace", "metadata": {"name": "shop"}}) == "shop"
	namespaces.candidate({"kind": "Job", "metadata": {"name": "j"}}) == "default"
	not namespaces.candidate({"kind": "ConfigMap", "metadata": {"name": "c", "namespace": "shop"}})
}

crd_inventory := {"namespace": {"serverless": {
	"serving.knative.dev/v1": {"Service": {"hello": {}}},
	"v1": {"Service": {"a-plain-service": {}}},
	"argoproj.io/v1alpha1": {"Rollout": {"canary": {}}},
}}}

test_workload_custom_resources_carry_namespace_findings if {
	knative := {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "metadata": {"name": "hello", "namespace": "serverless"}}
	rollout := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "metadata": {"name": "canary", "namespace": "serverless"}}
	plain := {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a-plain-service", "namespace": "serverless"}}
	namespaces.candidate(knative) == "serverless"
	namespaces.candidate(rollout) == "serverless"
	not namespaces.candidate(plain)
	# "Rollout" sorts before "Service": the Rollout carries the namespace's findings.
	namespaces.first_workload("serverless") == ["Rollout", "canary"] with data.inventory as crd_inventory
	namespaces.subject(rollout).path == ["metadata", "namespace"] with data.inventory as crd_inventory
	not namespaces.subject(knative) with data.inventory as crd_inventory
}
