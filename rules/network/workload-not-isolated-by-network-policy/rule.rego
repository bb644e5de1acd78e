package kordon.workload_not_isolated_by_network_policy

import rego.v1

import data.lib.kordon.namespaces
import data.lib.kordon.pods

# Policy kinds whose selectors this rule cannot read the same way (Calico's own selector syntax,
# Cilium's endpoint selectors, cluster-wide tiers): when any of them may apply, the workload may
# well be isolated, so the rule stays silent rather than guess.
foreign_namespaced_kinds := {"CiliumNetworkPolicy"}

clusterwide_kinds := {"GlobalNetworkPolicy", "CiliumClusterwideNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"}

# How many of the namespace's policies a finding names as related locations.
related_limit := 3

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	runs_pods(obj)
	ns := namespaces.namespace_of(obj)
	policies := namespace_policies(ns)
	count(policies) > 0
	not foreign_policy_may_apply(ns)
	not host_network(obj)
	labels := pod_labels(obj)
	missing := [direction |
		some direction in ["Ingress", "Egress"]
		not isolated(policies, labels, direction)
	]
	count(missing) > 0
	names := sort([name | some name, _ in policies])
	details := {
		"path": array.concat(pods.pod_metadata_path(obj), ["labels"]),
		"related": [{
			"kind": "NetworkPolicy",
			"name": name,
			"apiVersion": "networking.k8s.io/v1",
			"path": ["spec", "podSelector"],
			"message": sprintf("NetworkPolicy %q of the namespace does not select these pods for %s", [name, concat(" or ", missing)]),
		} |
			some name in array.slice(names, 0, related_limit)
		],
	}
	msg := sprintf("%s %q: namespace %q has %s, but none selects its pods for %s, so %s is unrestricted", [
		obj.kind, object.get(obj, ["metadata", "name"], ""), ns, policy_count(names),
		concat(" or ", missing), consequence(missing),
	])
}

# Kinds that run pods; a PodTemplate only describes some, an object owned by a controller
# (a ReplicaSet of a Deployment) is reported through its owner, and one scaled to zero replicas
# (often an overlay that switches a component off) runs none.
runs_pods(obj) if {
	obj.kind != "PodTemplate"
	pods.pod_spec(obj)
	count(object.get(obj, ["metadata", "ownerReferences"], [])) == 0
	object.get(obj, ["spec", "replicas"], 1) != 0
}

# The networking.k8s.io NetworkPolicies of a namespace, by name. Calico's own `NetworkPolicy`
# kind (projectcalico.org) shares the kind name but not the selector syntax.
namespace_policies(ns) := {name: policy |
	some name, policy in object.get(data.inventory, ["namespace", ns, "networking.k8s.io/v1", "NetworkPolicy"], {})
	is_object(policy)
}

foreign_policy_may_apply(ns) if namespaces.has_kind(ns, foreign_namespaced_kinds)

foreign_policy_may_apply(ns) if {
	some version, kinds in object.get(data.inventory, ["namespace", ns], {})
	version != "networking.k8s.io/v1"
	count(object.get(kinds, "NetworkPolicy", {})) > 0
}

foreign_policy_may_apply(_) if namespaces.has_kind_anywhere(clusterwide_kinds)

# NetworkPolicies do not apply to pods on the host's network.
host_network(obj) if object.get(pods.pod_spec(obj), "hostNetwork", false) == true

pod_labels(obj) := labels if {
	labels := object.get(pods.pod_metadata(obj), "labels", {})
	is_object(labels)
} else := {}

# Whether some policy selects pods with `labels` and governs `direction`.
isolated(policies, labels, direction) if {
	some policy in policies
	direction in policy_types(policy)
	selector := object.get(policy, ["spec", "podSelector"], {})
	is_object(selector)
	pods.selector_matches(selector, labels)
}

# The directions a policy governs: `policyTypes` when set; otherwise Ingress, plus Egress when
# the policy has egress rules (the API server's defaulting).
policy_types(policy) := {t | some t in policy.spec.policyTypes} if {
	is_array(policy.spec.policyTypes)
	count(policy.spec.policyTypes) > 0
} else := {"Ingress", "Egress"} if {
	egress := object.get(policy, ["spec", "egress"], [])
	is_array(egress)
	count(egress) > 0
} else := {"Ingress"}

policy_count(names) := "a NetworkPolicy" if count(names) == 1

policy_count(names) := sprintf("%d NetworkPolicies", [count(names)]) if count(names) > 1

consequence(missing) := "traffic in and out" if count(missing) == 2

consequence(["Ingress"]) := "incoming traffic"

consequence(["Egress"]) := "outgoing traffic"
