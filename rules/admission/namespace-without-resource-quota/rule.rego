package kordon.namespace_without_resource_quota

import rego.v1

import data.lib.kordon.namespaces

violation contains {"msg": msg, "details": {"path": subject.path}} if {
	ns := namespaces.candidate(input.review.object)
	not ns in object.get(input.parameters, "exemptNamespaces", [])
	not namespaces.has_kind(ns, {"ResourceQuota"})
	subject := namespaces.subject(input.review.object)
	msg := sprintf("namespace %q has no ResourceQuota%s", [subject.namespace, namespaces.carrier_note(subject)])
}
