package kordon.binding_role_missing

import rego.v1

import data.lib.kordon.rbac

# ClusterRoles every cluster has: the user-facing defaults and the `system:` bootstrap roles.
builtin_cluster_roles := {"cluster-admin", "admin", "edit", "view"}

provided(obj, name, _) if {
	obj.roleRef.kind == "ClusterRole"
	name in builtin_cluster_roles
}

provided(obj, name, _) if {
	obj.roleRef.kind == "ClusterRole"
	startswith(name, "system:")
}

# Roles the control plane bootstraps in its own namespaces (kube-apiserver's RBAC bootstrap
# policy): extension API servers bind the first one to read the client CA.
builtin_roles := {
	"kube-system": {
		"extension-apiserver-authentication-reader",
		"system::leader-locking-kube-controller-manager",
		"system::leader-locking-kube-scheduler",
		"system:controller:bootstrap-signer",
		"system:controller:cloud-provider",
		"system:controller:token-cleaner",
	},
	"kube-public": {"system:controller:bootstrap-signer"},
}

provided(obj, name, _) if {
	obj.roleRef.kind == "Role"
	name in builtin_roles[rbac.namespace_of(obj)]
}

provided(_, name, parameters) if name in object.get(parameters, "knownRoles", [])

provided(obj, _, _) if rbac.referenced_role(obj)

violation contains {"msg": msg, "details": {"path": ["roleRef", "name"]}} if {
	obj := input.review.object
	obj.kind in rbac.binding_kinds
	kind := object.get(obj, ["roleRef", "kind"], "")
	kind in {"Role", "ClusterRole"}
	name := object.get(obj, ["roleRef", "name"], "")
	name != ""
	not provided(obj, name, input.parameters)
	msg := sprintf("%s %q refers to %s %q, which is not in the scan and is not built in: the binding grants nothing today, and whoever creates that %s later decides what its subjects may do", [obj.kind, rbac.name_of(obj), kind, name, kind])
}
