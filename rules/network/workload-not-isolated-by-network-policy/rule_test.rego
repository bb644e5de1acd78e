package kordon.workload_not_isolated_by_network_policy

import rego.v1

deployment(labels) := {
	"apiVersion": "apps/v1", "kind": "Deployment",
	"metadata": {"name": "api", "namespace": "shop"},
	"spec": {"template": {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "api"}]}}},
}

inventory(policies) := {"cluster": {}, "namespace": {"shop": {"networking.k8s.io/v1": {"NetworkPolicy": policies}}}}

review(obj, policies) := results if {
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
		with data.inventory as inventory(policies)
}

both := ["Ingress", "Egress"]

test_selected_for_both_directions_is_quiet if {
	policies := {"deny": {"spec": {"podSelector": {}, "policyTypes": both}}}
	count(review(deployment({"app": "api"}), policies)) == 0
}

test_no_policy_in_namespace_is_left_to_the_namespace_rule if {
	count(review(deployment({"app": "api"}), {})) == 0
}

test_ingress_only_policy_reports_egress if {
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	results := review(deployment({"app": "api"}), policies)
	count(results) == 1
	some r in results
	contains(r.msg, "for Egress, so outgoing traffic")
	r.details.path == ["spec", "template", "metadata", "labels"]
	r.details.related[0].name == "api"
}

test_egress_rules_imply_egress_without_policy_types if {
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}, "egress": [{"to": []}]}}}
	count(review(deployment({"app": "api"}), policies)) == 0
	empty := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}, "egress": []}}}
	count(review(deployment({"app": "api"}), empty)) == 1
}

test_unselected_workload_reports_both if {
	policies := {"other": {"spec": {"podSelector": {"matchLabels": {"app": "web"}}, "policyTypes": both}}}
	results := review(deployment({"app": "api"}), policies)
	some r in results
	contains(r.msg, "for Ingress or Egress, so traffic in and out")
}

selecting(expr) := {"p": {"spec": {"podSelector": {"matchExpressions": [expr]}, "policyTypes": both}}}

test_match_expressions if {
	labels := {"app": "api", "tier": "back"}
	count(review(deployment(labels), selecting({"key": "tier", "operator": "In", "values": ["back"]}))) == 0
	count(review(deployment(labels), selecting({"key": "tier", "operator": "In", "values": ["front"]}))) == 1
	count(review(deployment(labels), selecting({"key": "tier", "operator": "NotIn", "values": ["front"]}))) == 0
	count(review(deployment(labels), selecting({"key": "tier", "operator": "NotIn", "values": ["back"]}))) == 1
	count(review(deployment(labels), selecting({"key": "tier", "operator": "Exists"}))) == 0
	count(review(deployment(labels), selecting({"key": "zone", "operator": "Exists"}))) == 1
	count(review(deployment(labels), selecting({"key": "zone", "operator": "DoesNotExist"}))) == 0
	count(review(deployment(labels), selecting({"key": "tier", "operator": "DoesNotExist"}))) == 1
}

test_other_namespace_policy_does_not_count if {
	obj := object.union(deployment({"app": "api"}), {"metadata": {"namespace": "team"}})
	count(review(obj, {"deny": {"spec": {"podSelector": {}}}})) == 0
}

test_calico_or_clusterwide_policy_silences if {
	obj := deployment({"app": "api"})
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	calico := object.union(inventory(policies), {"namespace": {"shop": {"projectcalico.org/v3": {"NetworkPolicy": {"c": {}}}}}})
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}} with data.inventory as calico
	anp := object.union(inventory(policies), {"cluster": {"policy.networking.k8s.io/v1alpha1": {"AdminNetworkPolicy": {"a": {}}}}})
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}} with data.inventory as anp
}

test_host_network_and_owned_objects_are_skipped if {
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	host := object.union(deployment({"app": "api"}), {"spec": {"template": {"spec": {"hostNetwork": true}}}})
	count(review(host, policies)) == 0
	owned := object.union(deployment({"app": "api"}), {"metadata": {"ownerReferences": [{"kind": "Deployment", "name": "x"}]}})
	count(review(owned, policies)) == 0
}

test_pod_and_cronjob_are_judged if {
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	pod := {"kind": "Pod", "metadata": {"name": "p", "namespace": "shop", "labels": {"app": "api"}}, "spec": {"containers": [{"name": "c"}]}}
	results := review(pod, policies)
	some r in results
	r.details.path == ["metadata", "labels"]
	cron := {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c", "namespace": "shop"}, "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"labels": {"app": "api"}}, "spec": {"containers": [{"name": "c"}]}}}}}}
	count(review(cron, policies)) == 1
}

# Regression (Argo CD's kustomize overlay): a StatefulSet patched to zero replicas runs no pods.
test_scaled_to_zero_is_skipped if {
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	zero := object.union(deployment({"app": "api"}), {"spec": {"replicas": 0}})
	count(review(zero, policies)) == 0
}
