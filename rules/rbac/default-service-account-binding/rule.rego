package kordon.default_service_account_binding

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": entry.path}} if {
	obj := input.review.object
	some entry in rbac.subjects(obj)
	entry.subject.kind == "ServiceAccount"
	entry.subject.name == "default"
	ns := object.get(entry.subject, "namespace", rbac.namespace_of(obj))
	msg := sprintf("%s %q binds %s %q to the default service account of namespace %q, used by every pod there that names none", [obj.kind, rbac.name_of(obj), object.get(obj, ["roleRef", "kind"], "role"), object.get(obj, ["roleRef", "name"], ""), ns])
}
