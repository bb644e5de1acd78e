package kordon.anonymous_subject_binding

import rego.v1

import data.lib.kordon.rbac

anonymous := {["User", "system:anonymous"], ["Group", "system:unauthenticated"]}

violation contains {"msg": msg, "details": {"path": entry.path}} if {
	obj := input.review.object
	object.get(obj, ["roleRef", "name"], "") != "system:public-info-viewer"
	some entry in rbac.subjects(obj)
	[object.get(entry.subject, "kind", ""), object.get(entry.subject, "name", "")] in anonymous
	msg := sprintf("%s %q grants %s %q to %s: anyone who can reach the API server, without credentials", [obj.kind, rbac.name_of(obj), object.get(obj, ["roleRef", "kind"], "role"), object.get(obj, ["roleRef", "name"], ""), entry.subject.name])
}
