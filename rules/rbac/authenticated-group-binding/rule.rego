package kordon.authenticated_group_binding

import rego.v1

import data.lib.kordon.rbac

# The roles Kubernetes itself binds to every authenticated user: discovery and self-review only.
bootstrap_roles := {"system:basic-user", "system:discovery", "system:public-info-viewer"}

violation contains {"msg": msg, "details": {"path": entry.path}} if {
	obj := input.review.object
	role := object.get(obj, ["roleRef", "name"], "")
	not role in bootstrap_roles
	not role in object.get(input.parameters, "exemptRoles", [])
	some entry in rbac.subjects(obj)
	object.get(entry.subject, "kind", "") == "Group"
	object.get(entry.subject, "name", "") == "system:authenticated"
	msg := sprintf("%s %q grants %s %q to system:authenticated: every user and service account of the cluster, and on managed clusters possibly any account of the identity provider", [obj.kind, rbac.name_of(obj), object.get(obj, ["roleRef", "kind"], "role"), role])
}
