package lib.kordon.inventory_test

import rego.v1

import data.lib.kordon.inventory

objects := {"namespace": {
	"shop": {
		"apps/v1": {"Deployment": {"web": {}, "api": {}}, "StatefulSet": {"db": {}}},
		"policy/v1": {"PodDisruptionBudget": {
			"web": {"spec": {"selector": {"matchLabels": {"tier": "front", "app": "web"}}}},
			"all": {"spec": {}},
			"expr": {"spec": {"selector": {"matchExpressions": [{"key": "app", "operator": "Exists"}]}}},
		}},
	},
	"batch": {"batch/v1": {"CronJob": {"z": {}}, "Job": {}}, "v1": {"ConfigMap": {"c": {}}}},
}}

test_first_workload_kind_and_name if {
	inventory.first_workload_kind.shop == "Deployment" with data.inventory as objects
	inventory.first_workload_kind.batch == "CronJob" with data.inventory as objects
	inventory.first_workload_name[["shop", "Deployment"]] == "api" with data.inventory as objects
	inventory.first_workload_name[["shop", "StatefulSet"]] == "db" with data.inventory as objects
	not inventory.first_workload_name[["batch", "Job"]] with data.inventory as objects
}

test_budgets_by_first_label if {
	inventory.labelled_budgets[inventory.label_key("shop", "app", "web")] == {{"matchLabels": {"tier": "front", "app": "web"}}} with data.inventory as objects
	not inventory.labelled_budgets[inventory.label_key("shop", "tier", "front")] with data.inventory as objects
	inventory.unlabelled_budgets.shop == {{}, {"matchExpressions": [{"key": "app", "operator": "Exists"}]}} with data.inventory as objects
	not inventory.unlabelled_budgets.batch with data.inventory as objects
}

crd_objects := {"namespace": {
	"knative": {
		"serving.knative.dev/v1": {"Service": {"hello": {}}},
		"v1": {"Service": {"a-plain-service": {}}, "PodTemplate": {"a-template": {}}},
	},
	"rollouts": {"argoproj.io/v1alpha1": {"Rollout": {"canary": {}}}, "v1": {"ConfigMap": {"c": {}}}},
	"openshift": {"apps.openshift.io/v1": {"DeploymentConfig": {"legacy": {}}}},
	"lookalike": {"example.com/v1": {"Rollout": {"not-argo": {}}}},
}}

test_workload_custom_resources_run_pods_by_group_and_kind if {
	inventory.first_workload_kind.knative == "Service" with data.inventory as crd_objects
	inventory.first_workload_name[["knative", "Service"]] == "hello" with data.inventory as crd_objects
	inventory.first_workload_kind.rollouts == "Rollout" with data.inventory as crd_objects
	inventory.first_workload_kind.openshift == "DeploymentConfig" with data.inventory as crd_objects
	not inventory.first_workload_kind.lookalike with data.inventory as crd_objects
}

test_pod_owner if {
	inventory.pod_owner("serving.knative.dev/v1", "Service")
	not inventory.pod_owner("v1", "Service")
	inventory.pod_owner("extensions/v1beta1", "Deployment")
	inventory.pod_owner("argoproj.io/v1alpha1", "Rollout")
	not inventory.pod_owner("example.com/v1", "Rollout")
	not inventory.pod_owner("v1", "PodTemplate")
}
