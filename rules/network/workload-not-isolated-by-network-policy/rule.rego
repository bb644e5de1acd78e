package kordon.workload_not_isolated_by_network_policy

import rego.v1

import data.lib.kordon.namespaces
import data.lib.kordon.pods

# Cluster-wide policy kinds this rule does not evaluate: when one exists, the workload may well be
# isolated, so the rule stays silent rather than guess.
unevaluated_clusterwide_kinds := {"AdminNetworkPolicy", "BaselineAdminNetworkPolicy"}

# How many of the policies a finding names as related locations.
related_limit := 3

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	runs_pods(obj)
	ns := namespaces.namespace_of(obj)
	policies := array.concat(namespace_policies(ns), clusterwide_policies)
	count(policies) > 0
	not namespaces.has_kind_anywhere(unevaluated_clusterwide_kinds)
	not host_network(obj)
	labels := pod_labels(obj)
	missing := [direction |
		some direction in ["Ingress", "Egress"]
		not isolated(policies, labels, ns, direction)
	]
	count(missing) > 0
	details := {
		"path": array.concat(pods.pod_metadata_path(obj), ["labels"]),
		"related": [related_entry(policy, ns, missing) |
			some policy in array.slice(policies, 0, related_limit)
		],
	}
	msg := sprintf("%s %q: %s, but none selects its pods for %s, so %s is unrestricted", [
		obj.kind, object.get(obj, ["metadata", "name"], ""), policies_phrase(ns, policies),
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

# The policies that may select the pods of namespace `ns`, in a fixed order (namespaced kinds,
# then by name), each as {"kind", "apiVersion", "name", "namespaced", "policy", "flavour"}:
# Kubernetes NetworkPolicies, Calico NetworkPolicies (`projectcalico.org`, the same kind name
# with Calico's selector syntax) and CiliumNetworkPolicies of the namespace.
namespace_policies(ns) := [entry |
	some [_, _, entry] in sort([[order, name, entry] |
		some version, kinds in object.get(data.inventory, ["namespace", ns], {})
		some kind, named in kinds
		flavour := namespaced_flavour(version, kind)
		some name, policy in named
		is_object(policy)
		order := flavour.order
		entry := {
			"kind": kind, "apiVersion": version, "name": name, "namespaced": true,
			"policy": policy, "flavour": flavour.name,
		}
	])
]

# The cluster-wide policies of the scan that select pods: Calico GlobalNetworkPolicies and Cilium
# CiliumClusterwideNetworkPolicies with an endpointSelector (one with only a nodeSelector is a
# host firewall, which says nothing about pods).
clusterwide_policies := [entry |
	some [_, _, entry] in sort([[order, name, entry] |
		some version, kinds in object.get(data.inventory, "cluster", {})
		some kind, named in kinds
		flavour := clusterwide_flavour(version, kind)
		some name, policy in named
		is_object(policy)
		about_pods(flavour.name, policy)
		order := flavour.order
		entry := {
			"kind": kind, "apiVersion": version, "name": name, "namespaced": false,
			"policy": policy, "flavour": flavour.name,
		}
	])
]

about_pods("calico", _) := true

about_pods("cilium", policy) if {
	some rule in cilium_rules(policy)
	is_object(object.get(rule, "endpointSelector", null))
}

namespaced_flavour(version, "NetworkPolicy") := {"name": "kubernetes", "order": 0} if {
	api_group(version) == "networking.k8s.io"
}

namespaced_flavour(version, "NetworkPolicy") := {"name": "calico", "order": 1} if {
	api_group(version) in calico_groups
}

namespaced_flavour(version, "CiliumNetworkPolicy") := {"name": "cilium", "order": 2} if {
	api_group(version) == "cilium.io"
}

clusterwide_flavour(version, "GlobalNetworkPolicy") := {"name": "calico", "order": 3} if {
	api_group(version) in calico_groups
}

clusterwide_flavour(version, "CiliumClusterwideNetworkPolicy") := {"name": "cilium", "order": 4} if {
	api_group(version) == "cilium.io"
}

# Calico's API group, and the group of the CRDs it stores them in (written by some installs).
calico_groups := {"projectcalico.org", "crd.projectcalico.org"}

api_group(version) := group if {
	[group, _] := split(version, "/")
} else := ""

# NetworkPolicies do not apply to pods on the host's network.
host_network(obj) if object.get(pods.pod_spec(obj), "hostNetwork", false) == true

pod_labels(obj) := labels if {
	labels := object.get(pods.pod_metadata(obj), "labels", {})
	is_object(labels)
} else := {}

# Whether some policy selects pods with `labels` in namespace `ns` and governs `direction`.
isolated(policies, labels, ns, direction) if {
	some entry in policies
	governs(entry, direction)
	selects(entry, labels, ns)
}

# Kubernetes: `podSelector`, and `policyTypes` or the API server's defaulting.
selects(entry, labels, _) if {
	entry.flavour == "kubernetes"
	selector := object.get(entry.policy, ["spec", "podSelector"], {})
	is_object(selector)
	pods.selector_matches(selector, labels)
}

governs(entry, direction) if {
	entry.flavour in {"kubernetes", "calico"}
	direction in policy_types(entry)
}

# The directions a policy governs: its `policyTypes` (Calico: `types`) when set; otherwise
# Ingress, plus Egress when the policy has egress rules (how both default it).
policy_types(entry) := {t | some t in listed} if {
	listed := object.get(entry.policy, ["spec", types_field[entry.flavour]], [])
	is_array(listed)
	count(listed) > 0
} else := {"Ingress", "Egress"} if {
	egress := object.get(entry.policy, ["spec", "egress"], [])
	is_array(egress)
	count(egress) > 0
} else := {"Ingress"}

types_field := {"kubernetes": "policyTypes", "calico": "types"}

# Calico: `spec.selector` over the pod's labels (and, for a GlobalNetworkPolicy,
# `namespaceSelector` over its namespace's), read in the common subset of Calico's selector
# syntax (`calico_term_excludes`); a selector outside it counts as selecting.
selects(entry, labels, ns) if {
	entry.flavour == "calico"
	not calico_excludes(object.get(entry.policy, ["spec", "selector"], ""), calico_labels(labels, ns))
	not calico_namespace_excluded(entry, ns)
}

# Calico also offers the pod's namespace to selectors as a label.
calico_labels(labels, ns) := object.union(labels, {
	"projectcalico.org/namespace": ns,
	"projectcalico.org/orchestrator": "k8s",
})

calico_namespace_excluded(entry, ns) if {
	not entry.namespaced
	selector := object.get(entry.policy, ["spec", "namespaceSelector"], "")
	namespace := object.get(data.inventory, ["cluster", "v1", "Namespace", ns], null)
	is_object(namespace)
	namespace_labels := object.get(namespace, ["metadata", "labels"], {})
	is_object(namespace_labels)
	calico_excludes(selector, object.union(namespace_labels, {"projectcalico.org/name": ns}))
}

# Whether a Calico selector certainly does not select `labels`: it is a conjunction (`&&`) of
# terms of the common subset (`all()`, `has(k)`, `k == 'v'`, `k != 'v'`, `k in {'a', 'b'}`) and
# one of its terms does not hold. A selector with `||`, `!` or grouping is not read, and a term
# outside the subset (or naming a label Calico derives that this rule does not know, such as
# `pcns.` namespace labels) holds: both count as selecting, so the rule stays silent rather than
# guess.
calico_excludes(selector, labels) if {
	is_string(selector)
	not contains(selector, "||")
	not regex.match(`!($|[^=])`, selector)
	some term in split(selector, "&&")
	calico_term_excludes(trim_space(term), labels)
}

calico_term_excludes(term, labels) if {
	[[_, key]] := regex.find_all_string_submatch_n(`^has\(\s*([A-Za-z0-9_./-]+)\s*\)$`, term, 1)
	known_label(key)
	not key in object.keys(labels)
}

calico_term_excludes(term, labels) if {
	[[_, key, _, value]] := regex.find_all_string_submatch_n(`^([A-Za-z0-9_./-]+)\s*==\s*(['"])([^'"]*)['"]$`, term, 1)
	known_label(key)
	object.get(labels, key, null) != value
}

calico_term_excludes(term, labels) if {
	[[_, key, _, value]] := regex.find_all_string_submatch_n(`^([A-Za-z0-9_./-]+)\s*!=\s*(['"])([^'"]*)['"]$`, term, 1)
	known_label(key)
	object.get(labels, key, null) == value
}

calico_term_excludes(term, labels) if {
	[[_, key, listed]] := regex.find_all_string_submatch_n(`^([A-Za-z0-9_./-]+)\s+in\s+\{([^{}]*)\}$`, term, 1)
	known_label(key)
	values := {trim(trim_space(v), `'"`) | some v in split(listed, ",")}
	not object.get(labels, key, null) in values
}

# Labels whose absence from a pod's labels means the pod does not have them: not the ones
# Calico derives from the namespace, service account or node (other than the two it always sets).
known_label(key) if {
	not startswith(key, "pcns.")
	not startswith(key, "pcsa.")
	not unknown_calico_label(key)
}

unknown_calico_label(key) if {
	startswith(key, "projectcalico.org/")
	not key in {"projectcalico.org/namespace", "projectcalico.org/orchestrator", "projectcalico.org/name"}
}

# Cilium: `endpointSelector` (matchLabels, matchExpressions) of the policy or of any rule in its
# `specs`; a policy with only a `nodeSelector` governs nodes, not pods.
selects(entry, labels, ns) if {
	entry.flavour == "cilium"
	some rule in cilium_rules(entry.policy)
	cilium_selects(rule, labels, ns)
}

governs(entry, direction) if {
	entry.flavour == "cilium"
	some rule in cilium_rules(entry.policy)
	cilium_governs(rule, direction)
}

cilium_rules(policy) := rules if {
	spec := object.get(policy, "spec", null)
	is_object(spec)
	rules := array.concat([spec], [r | some r in object.get(policy, "specs", []); is_object(r)])
} else := [r | some r in object.get(policy, "specs", []); is_object(r)]

# A Cilium rule puts the endpoints it selects into default deny for a direction when it has a
# section for it (even `ingress: [{}]`), unless `enableDefaultDeny` turns that off.
cilium_governs(rule, direction) if {
	some field in cilium_sections[direction]
	field in object.keys(rule)
	object.get(rule, ["enableDefaultDeny", lower(direction)], true) != false
}

cilium_sections := {"Ingress": ["ingress", "ingressDeny"], "Egress": ["egress", "egressDeny"]}

cilium_selects(rule, labels, ns) if {
	selector := object.get(rule, "endpointSelector", null)
	is_object(selector)
	not cilium_unreadable(selector)
	pods.selector_matches(cilium_selector(selector), object.union(labels, {"io.kubernetes.pod.namespace": ns}))
}

# A selector naming a label source other than `k8s:` or `any:`, or a label Cilium derives that
# this rule does not know (service account, cluster, `reserved:` entities): not read, and it
# counts as selecting.
cilium_selects(rule, _, _) if {
	selector := object.get(rule, "endpointSelector", null)
	is_object(selector)
	cilium_unreadable(selector)
}

cilium_unreadable(selector) if {
	some key in cilium_keys(selector)
	not cilium_known_key(key)
}

cilium_keys(selector) := array.concat(
	[key | some key, _ in object.get(selector, "matchLabels", {})],
	[e.key | some e in object.get(selector, "matchExpressions", []); is_object(e)],
)

cilium_known_key(key) if {
	plain := cilium_plain_key(key)
	not contains(plain, ":")
	not startswith(plain, "io.cilium.")
	not cilium_derived_kubernetes_key(plain)
}

cilium_derived_kubernetes_key(key) if {
	startswith(key, "io.kubernetes.")
	key != "io.kubernetes.pod.namespace"
}

cilium_plain_key(key) := trim_prefix(key, "k8s:") if startswith(key, "k8s:")

cilium_plain_key(key) := trim_prefix(key, "any:") if startswith(key, "any:")

cilium_plain_key(key) := key if {
	not startswith(key, "k8s:")
	not startswith(key, "any:")
}

cilium_selector(selector) := {
	"matchLabels": {cilium_plain_key(key): value | some key, value in object.get(selector, "matchLabels", {})},
	"matchExpressions": [object.union(e, {"key": cilium_plain_key(e.key)}) |
		some e in object.get(selector, "matchExpressions", [])
		is_object(e)
	],
}

related_entry(entry, ns, missing) := object.union(
	{
		"kind": entry.kind, "name": entry.name, "apiVersion": entry.apiVersion,
		"path": ["spec", selector_field[entry.flavour]],
		"message": sprintf("%s %q %s does not select these pods for %s", [
			display_kind(entry), entry.name, owner_phrase(entry), concat(" or ", missing),
		]),
	},
	namespace_field(entry, ns),
)

namespace_field(entry, ns) := {"namespace": ns} if entry.namespaced

namespace_field(entry, _) := {} if not entry.namespaced

selector_field := {"kubernetes": "podSelector", "calico": "selector", "cilium": "endpointSelector"}

owner_phrase(entry) := "of the namespace" if entry.namespaced

owner_phrase(entry) := "of the cluster" if not entry.namespaced

display_kind(entry) := "Calico NetworkPolicy" if {
	entry.flavour == "calico"
	entry.namespaced
} else := entry.kind

# "namespace "shop" has 2 NetworkPolicies", "... and the cluster a GlobalNetworkPolicy".
policies_phrase(ns, policies) := sprintf("namespace %q has %s", [ns, counted(own)]) if {
	own := [e | some e in policies; e.namespaced]
	count(own) > 0
	count(own) == count(policies)
} else := sprintf("namespace %q has %s and the cluster %s", [ns, counted(own), counted(shared)]) if {
	own := [e | some e in policies; e.namespaced]
	shared := [e | some e in policies; not e.namespaced]
	count(own) > 0
} else := sprintf("namespace %q has no policy of its own and the cluster has %s", [ns, counted(policies)])

# Counts by kind, in the order the kinds first occur: "2 NetworkPolicies and a CiliumNetworkPolicy".
counted(entries) := concat(" and ", [kind_count(kind, n) |
	some kind in kinds_in_order(entries)
	n := count([e | some e in entries; display_kind(e) == kind])
])

kinds_in_order(entries) := [kind |
	some i, e in entries
	kind := display_kind(e)
	not kind_seen_before(entries, i, kind)
]

kind_seen_before(entries, i, kind) if {
	some j, e in entries
	j < i
	display_kind(e) == kind
}

kind_count(kind, 1) := sprintf("a %s", [kind])

kind_count(kind, n) := sprintf("%d %s", [n, plural(kind)]) if n > 1

plural(kind) := concat("", [trim_suffix(kind, "y"), "ies"]) if endswith(kind, "y")

plural(kind) := concat("", [kind, "s"]) if not endswith(kind, "y")

consequence(missing) := "traffic in and out" if count(missing) == 2

consequence(["Ingress"]) := "incoming traffic"

consequence(["Egress"]) := "outgoing traffic"
