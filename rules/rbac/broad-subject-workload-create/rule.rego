package kordon.broad_subject_workload_create

import rego.v1

import data.lib.kordon.rbac

populations := {"system:authenticated", "system:serviceaccounts"}

broad(subject) if {
	subject.kind == "Group"
	subject.name in populations
}

broad(subject) if {
	subject.kind == "Group"
	startswith(subject.name, "system:serviceaccounts:")
}

# Built-in roles that allow creating workloads, for bindings whose role is not in the scan.
builtin_creators := {"cluster-admin", "admin", "edit"}

workload_groups := ["", "apps", "batch"]

workload_resources := ["pods", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "replicationcontrollers"]

role_allows_create(binding) if {
	binding.roleRef.kind == "ClusterRole"
	binding.roleRef.name in builtin_creators
}

role_allows_create(binding) if {
	role := rbac.referenced_role(binding)
	some rule in object.get(role, "rules", [])
	is_object(rule)
	some group in workload_groups
	rbac.in_group(rule, group)
	some named in object.get(rule, "resources", [])
	some wanted in workload_resources
	rbac.resource_matches(named, wanted)
	rbac.grants_verb(rule, {"create"})
}

violation contains {"msg": msg, "details": {"path": entry.path}} if {
	obj := input.review.object
	role_allows_create(obj)
	some entry in rbac.subjects(obj)
	broad(entry.subject)
	msg := sprintf("%s %q lets every member of %q create pods or workloads through %s %q", [obj.kind, rbac.name_of(obj), entry.subject.name, object.get(obj, ["roleRef", "kind"], "role"), object.get(obj, ["roleRef", "name"], "")])
}
