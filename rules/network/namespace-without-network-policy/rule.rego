package kordon.namespace_without_network_policy

import rego.v1

import data.lib.kordon.namespaces

policy_kinds := {"NetworkPolicy", "CiliumNetworkPolicy"}

clusterwide_kinds := {"GlobalNetworkPolicy", "CiliumClusterwideNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"}

violation contains {"msg": msg, "details": {"path": subject.path}} if {
	ns := namespaces.candidate(input.review.object)
	not ns in object.get(input.parameters, "exemptNamespaces", [])
	not namespaces.has_kind(ns, policy_kinds)
	not namespaces.has_kind_anywhere(clusterwide_kinds)
	subject := namespaces.subject(input.review.object)
	msg := sprintf("namespace %q has no NetworkPolicy: its pods accept traffic from, and send it to, anywhere%s", [subject.namespace, namespaces.carrier_note(subject)])
}
