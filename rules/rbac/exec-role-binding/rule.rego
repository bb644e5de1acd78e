package kordon.exec_role_binding

import rego.v1

import data.lib.kordon.rbac

# Whether the bound role (in the scan) lets its subjects exec or attach into pods.
grants_exec(role) if {
	some i, rule in object.get(role, "rules", [])
	is_object(rule)
	rbac.grant({"index": i, "rule": rule, "path": ["rules", i]}, [""], ["pods/exec", "pods/attach"], {"create", "get"})
}

violation contains {"msg": msg, "details": {"path": ["roleRef", "name"]}} if {
	obj := input.review.object
	obj.kind in rbac.binding_kinds
	role := rbac.referenced_role(obj)
	grants_exec(role)
	subjects := [rbac.subject_label(e.subject) | some e in rbac.subjects(obj)]
	count(subjects) > 0
	msg := sprintf("%s %q lets %s run commands in pods through %s %q", [obj.kind, rbac.name_of(obj), concat(", ", subjects), object.get(obj, ["roleRef", "kind"], "role"), object.get(obj, ["roleRef", "name"], "")])
}
