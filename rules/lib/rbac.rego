# Roles, bindings and their subjects: which policy rule grants which verb on which resource, with
# the path of every item, so RBAC rules can point at the exact verb, resource or subject.
package lib.kordon.rbac

import rego.v1

role_kinds := {"Role", "ClusterRole"}

binding_kinds := {"RoleBinding", "ClusterRoleBinding"}

# Every policy rule of a Role or ClusterRole: {"index", "rule", "path"}.
policy_rules(obj) := [entry |
	obj.kind in role_kinds
	some i, rule in object.get(obj, "rules", [])
	is_object(rule)
	entry := {"index": i, "rule": rule, "path": ["rules", i]}
]

# Whether a policy rule applies to `group` ("" is the core group).
in_group(rule, group) if group in object.get(rule, "apiGroups", [])

in_group(rule, _) if "*" in object.get(rule, "apiGroups", [])

# Whether a resource named in a policy rule matches `wanted` ("pods", or "pods/exec" for a
# subresource) the way the RBAC authorizer matches it, wildcards included.
resource_matches(named, wanted) if named == wanted

resource_matches(named, _) if named == "*"

resource_matches(named, wanted) if {
	[parent, _] := split(wanted, "/")
	named == concat("/", [parent, "*"])
}

resource_matches(named, wanted) if {
	[_, sub] := split(wanted, "/")
	named == concat("/", ["*", sub])
}

# Like resource_matches, but the bare "*" does not count: rules about wildcards report that case,
# so rules about one resource stay quiet on it instead of reporting the same line twice.
resource_named(named, wanted) if {
	named != "*"
	resource_matches(named, wanted)
}

# Whether a policy rule names one of `wanted` resources explicitly (see resource_named).
names_resource(rule, wanted) if {
	some named in object.get(rule, "resources", [])
	some w in wanted
	resource_named(named, w)
}

# Whether a policy rule grants one of `wanted` verbs, "*" included.
grants_verb(rule, wanted) if {
	some verb in object.get(rule, "verbs", [])
	verb_matches(verb, wanted)
}

verb_matches(verb, wanted) if verb in wanted

verb_matches(verb, _) if verb == "*"

# The verbs of a policy rule that are among `wanted` (not "*"), with their paths.
named_verbs(entry, wanted) := [{"verb": verb, "path": array.concat(entry.path, ["verbs", j])} |
	some j, verb in object.get(entry.rule, "verbs", [])
	verb in wanted
]

# The first verb item of a policy rule granting one of `wanted` ("*" included), for locations.
first_granting_verb(entry, wanted) := item if {
	items := [{"verb": verb, "path": array.concat(entry.path, ["verbs", j])} |
		some j, verb in object.get(entry.rule, "verbs", [])
		verb_matches(verb, wanted)
	]
	count(items) > 0
	item := items[0]
}

# Whether a policy rule is limited to named objects (resourceNames).
limited_to_names(rule) if count(object.get(rule, "resourceNames", [])) > 0

# Every subject of a binding: {"index", "subject", "path"}.
subjects(obj) := [entry |
	obj.kind in binding_kinds
	some i, subject in object.get(obj, "subjects", [])
	is_object(subject)
	entry := {"index": i, "subject": subject, "path": ["subjects", i]}
]

# A subject's display form: Kind namespace/name.
subject_label(subject) := sprintf("%s %s/%s", [object.get(subject, "kind", "?"), subject.namespace, object.get(subject, "name", "?")]) if {
	subject.namespace != ""
}

subject_label(subject) := sprintf("%s %s", [object.get(subject, "kind", "?"), object.get(subject, "name", "?")]) if {
	object.get(subject, "namespace", "") == ""
}

# Groups that every authenticated identity, every service account, or everybody belongs to.
broad_groups := {"system:authenticated", "system:unauthenticated", "system:serviceaccounts"}

# Whether a subject stands for a large population rather than one identity.
broad_subject(subject) if {
	subject.kind == "Group"
	subject.name in broad_groups
}

broad_subject(subject) if {
	subject.kind == "Group"
	startswith(subject.name, "system:serviceaccounts:")
}

broad_subject(subject) if {
	subject.kind == "User"
	subject.name == "system:anonymous"
}

# The namespace a namespaced object lands in ("default" when the manifest does not say).
namespace_of(obj) := ns if {
	ns := object.get(obj, ["metadata", "namespace"], "")
	ns != ""
}

namespace_of(obj) := "default" if object.get(obj, ["metadata", "namespace"], "") == ""

# The Role or ClusterRole a binding refers to, looked up in data.inventory (any API version).
referenced_role(binding) := role if {
	binding.roleRef.kind == "ClusterRole"
	some gv, kinds in data.inventory.cluster
	startswith(gv, "rbac.authorization.k8s.io/")
	role := kinds.ClusterRole[binding.roleRef.name]
}

referenced_role(binding) := role if {
	binding.roleRef.kind == "Role"
	binding.kind == "RoleBinding"
	some gv, kinds in data.inventory.namespace[namespace_of(binding)]
	startswith(gv, "rbac.authorization.k8s.io/")
	role := kinds.Role[binding.roleRef.name]
}

# The first verb item by which a policy rule grants one of `verbs` ("*" included) on one of
# `resources` (named, not a bare "*") in one of `groups`; undefined when it grants none.
grant(entry, groups, resources, verbs) := first_granting_verb(entry, verbs) if {
	some group in groups
	in_group(entry.rule, group)
	names_resource(entry.rule, resources)
}

# Role name, for exemptions and messages.
name_of(obj) := object.get(obj, ["metadata", "name"], "")

# Whether the parameters exempt this role.
exempt_role(obj, parameters) if name_of(obj) in object.get(parameters, "exemptRoles", [])
