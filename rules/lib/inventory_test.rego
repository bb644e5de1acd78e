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
