package kordon.cluster_admin_binding

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": ["roleRef", "name"]}} if {
	obj := input.review.object
	obj.roleRef.kind == "ClusterRole"
	obj.roleRef.name == "cluster-admin"
	reported := [s | some entry in rbac.subjects(obj); s := entry.subject; not exempt(s)]
	count(reported) > 0
	names := concat(", ", [rbac.subject_label(s) | some s in reported])
	msg := sprintf("%s %q grants cluster-admin (every verb on every resource) to %s", [obj.kind, object.get(obj, ["metadata", "name"], ""), names])
}

exempt(subject) if {
	subject.kind == "Group"
	subject.name == "system:masters"
}

exempt(subject) if subject_key(subject) in object.get(input.parameters, "allowedSubjects", [])

subject_key(subject) := sprintf("%s:%s/%s", [subject.kind, subject.namespace, subject.name]) if subject.kind == "ServiceAccount"

subject_key(subject) := sprintf("%s:%s", [subject.kind, subject.name]) if subject.kind != "ServiceAccount"
