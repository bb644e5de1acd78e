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

test_admin_network_policy_silences if {
	obj := deployment({"app": "api"})
	policies := {"api": {"spec": {"podSelector": {"matchLabels": {"app": "api"}}}}}
	anp := object.union(inventory(policies), {"cluster": {"policy.networking.k8s.io/v1alpha1": {"AdminNetworkPolicy": {"a": {}}}}})
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}} with data.inventory as anp
}

with_objects(extra) := object.union(inventory({}), extra)

calico(spec) := {"namespace": {"shop": {"projectcalico.org/v3": {"NetworkPolicy": {"c": {"spec": spec}}}}}}

review_in(obj, objects) := results if {
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
		with data.inventory as with_objects(objects)
}

messages(obj, objects) := {v.msg | some v in review_in(obj, objects)}

test_calico_selector_subset if {
	api := deployment({"app": "api", "tier": "back"})
	both_types := {"types": ["Ingress", "Egress"]}
	# Selected: each form of the subset, joined by &&.
	every selector in [
		"app == 'api'", "app == \"api\" && has(tier)", "app in {'web', 'api'}", "all()",
		"tier != 'front'", "projectcalico.org/namespace == 'shop'", "",
	] {
		count(review_in(api, calico(object.union(both_types, {"selector": selector})))) == 0
	}
	# Not selected: one term that does not hold.
	every selector in ["app == 'web'", "has(team)", "app in {'web'}", "all() && tier == 'front'", "tier != 'back'"] {
		messages(api, calico(object.union(both_types, {"selector": selector}))) == {`Deployment "api": namespace "shop" has a Calico NetworkPolicy, but none selects its pods for Ingress or Egress, so traffic in and out is unrestricted`}
	}
}

test_calico_selector_outside_the_subset_counts_as_selecting if {
	api := deployment({"app": "api"})
	every selector in ["app == 'web' || app == 'api'", "!has(app)", "(app == 'web')", "pcns.env == 'prod'", "app starts with 'a'"] {
		count(review_in(api, calico({"types": ["Ingress", "Egress"], "selector": selector}))) == 0
	}
}

test_calico_types_default_like_kubernetes if {
	api := deployment({"app": "api"})
	messages(api, calico({"selector": "app == 'api'"})) == {`Deployment "api": namespace "shop" has a Calico NetworkPolicy, but none selects its pods for Egress, so outgoing traffic is unrestricted`}
	count(review_in(api, calico({"selector": "app == 'api'", "egress": [{"action": "Allow"}]}))) == 0
}

test_calico_global_policy_and_namespace_selector if {
	api := deployment({"app": "api"})
	count(review_in(api, global({"selector": "all()", "types": ["Ingress", "Egress"]}))) == 0
	messages(api, global({"selector": "app == 'db'", "types": ["Ingress", "Egress"]})) == {`Deployment "api": namespace "shop" has no policy of its own and the cluster has a GlobalNetworkPolicy, but none selects its pods for Ingress or Egress, so traffic in and out is unrestricted`}
	labelled := object.union(global({"selector": "all()", "namespaceSelector": "env == 'prod'", "types": ["Ingress", "Egress"]}), {"cluster": {"v1": {"Namespace": {"shop": {"metadata": {"labels": {"env": "dev"}}}}}}})
	count(review_in(api, labelled)) == 1
	# Without the Namespace object its labels are unknown: the policy may select it.
	count(review_in(api, global({"selector": "all()", "namespaceSelector": "env == 'prod'", "types": ["Ingress", "Egress"]}))) == 0
}

global(spec) := {"cluster": {"projectcalico.org/v3": {"GlobalNetworkPolicy": {"g": {"spec": spec}}}}}

ccnp(spec) := {"cluster": {"cilium.io/v2": {"CiliumClusterwideNetworkPolicy": {"cw": spec}}}}

cilium(spec) := {"namespace": {"shop": {"cilium.io/v2": {"CiliumNetworkPolicy": {"k": spec}}}}}

test_cilium_endpoint_selector_and_sections if {
	api := deployment({"app": "api"})
	count(review_in(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"app": "api"}}, "ingress": [{}], "egress": [{}]}}))) == 0
	count(review_in(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"k8s:app": "api"}}, "ingressDeny": [{}], "egress": []}}))) == 0
	count(review_in(api, cilium({"spec": {"endpointSelector": {}, "ingress": [{}], "egress": [{}]}}))) == 0
	count(review_in(api, cilium({"specs": [
		{"endpointSelector": {"matchExpressions": [{"key": "app", "operator": "In", "values": ["api"]}]}, "ingress": [{}]},
		{"endpointSelector": {"matchLabels": {"app": "api"}}, "egress": [{}]},
	]}))) == 0
	messages(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"app": "api"}}, "ingress": [{}]}})) == {`Deployment "api": namespace "shop" has a CiliumNetworkPolicy, but none selects its pods for Egress, so outgoing traffic is unrestricted`}
	messages(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"app": "web"}}, "ingress": [{}], "egress": [{}]}})) == {`Deployment "api": namespace "shop" has a CiliumNetworkPolicy, but none selects its pods for Ingress or Egress, so traffic in and out is unrestricted`}
	# enableDefaultDeny off: the section allows without isolating.
	count(review_in(api, cilium({"spec": {"endpointSelector": {}, "ingress": [{}], "egress": [{}], "enableDefaultDeny": {"egress": false}}}))) == 1
}

test_cilium_labels_it_derives_count_as_selecting if {
	api := deployment({"app": "api"})
	count(review_in(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"io.cilium.k8s.policy.serviceaccount": "api"}}, "ingress": [{}], "egress": [{}]}}))) == 0
	count(review_in(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"reserved:host": ""}}, "ingress": [{}], "egress": [{}]}}))) == 0
	# The namespace label Cilium gives every pod is known.
	count(review_in(api, cilium({"spec": {"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "other"}}, "ingress": [{}], "egress": [{}]}}))) == 1
}

test_cilium_clusterwide_policy if {
	api := deployment({"app": "api"})
	count(review_in(api, ccnp({"spec": {"endpointSelector": {"matchLabels": {"k8s:io.kubernetes.pod.namespace": "shop"}}, "ingress": [{}], "egress": [{}]}}))) == 0
	count(review_in(api, ccnp({"spec": {"endpointSelector": {"matchLabels": {"app": "db"}}, "ingress": [{}], "egress": [{}]}}))) == 1
	# A host firewall policy says nothing about pods.
	count(review_in(api, ccnp({"spec": {"nodeSelector": {}, "ingress": [{}]}}))) == 0
}

test_mixed_kinds_are_counted_and_related if {
	api := deployment({"app": "api"})
	objects := object.union(
		{"namespace": {"shop": {
			"networking.k8s.io/v1": {"NetworkPolicy": {"web": {"spec": {"podSelector": {"matchLabels": {"app": "web"}}}}}},
			"cilium.io/v2": {"CiliumNetworkPolicy": {"db": {"spec": {"endpointSelector": {"matchLabels": {"app": "db"}}, "ingress": [{}]}}}},
		}}},
		{"cluster": {"projectcalico.org/v3": {"GlobalNetworkPolicy": {"g": {"spec": {"selector": "app == 'db'"}}}}}},
	)
	found := [w | some w in review_in(api, objects)]
	count(found) == 1
	v := found[0]
	v.msg == `Deployment "api": namespace "shop" has a NetworkPolicy and a CiliumNetworkPolicy and the cluster a GlobalNetworkPolicy, but none selects its pods for Ingress or Egress, so traffic in and out is unrestricted`
	[r.kind | some r in v.details.related] == ["NetworkPolicy", "CiliumNetworkPolicy", "GlobalNetworkPolicy"]
	[r.path | some r in v.details.related] == [["spec", "podSelector"], ["spec", "endpointSelector"], ["spec", "selector"]]
	not v.details.related[2].namespace
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
