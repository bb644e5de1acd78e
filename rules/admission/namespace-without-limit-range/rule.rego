package kordon.namespace_without_limit_range

import rego.v1

import data.lib.kordon.namespaces

violation contains {"msg": msg, "details": {"path": subject.path}} if {
	ns := namespaces.candidate(input.review.object)
	not ns in object.get(input.parameters, "exemptNamespaces", [])
	not namespaces.has_kind(ns, {"LimitRange"})
	subject := namespaces.subject(input.review.object)
	msg := sprintf("namespace %q has no LimitRange%s", [subject.namespace, namespaces.carrier_note(subject)])
}
