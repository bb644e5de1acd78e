package kordon.cluster_admin_equivalent_binding

import rego.v1

import data.lib.kordon.rbac

# A policy rule that grants every verb on every resource of every API group.
all_wildcard(rule) if {
	is_object(rule)
	"*" in object.get(rule, "apiGroups", [])
	"*" in object.get(rule, "resources", [])
	"*" in object.get(rule, "verbs", [])
}

violation contains {"msg": msg, "details": {"path": ["roleRef", "name"]}} if {
	obj := input.review.object
	obj.kind in rbac.binding_kinds
	name := object.get(obj, ["roleRef", "name"], "")
	name != "cluster-admin"
	role := rbac.referenced_role(obj)
	some rule in object.get(role, "rules", [])
	all_wildcard(rule)
	scope := scope_of(obj)
	msg := sprintf("%s %q binds %s %q, which grants every verb on every resource: cluster-admin in all but name%s", [obj.kind, rbac.name_of(obj), object.get(obj, ["roleRef", "kind"], "role"), name, scope])
}

scope_of(obj) := "" if obj.kind == "ClusterRoleBinding"

scope_of(obj) := sprintf(" (in namespace %q)", [rbac.namespace_of(obj)]) if obj.kind == "RoleBinding"
