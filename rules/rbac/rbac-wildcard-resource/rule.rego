package kordon.rbac_wildcard_resource

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["resources", j])}} if {
	obj := input.review.object
	not object.get(obj, ["metadata", "name"], "") in object.get(input.parameters, "exemptRoles", [])
	some entry in rbac.policy_rules(obj)
	some j, resource in entry.rule.resources
	resource == "*"
	msg := sprintf("%s %q rule %d grants %v on every resource (\"*\") of API groups %v", [obj.kind, object.get(obj, ["metadata", "name"], ""), entry.index, object.get(entry.rule, "verbs", []), object.get(entry.rule, "apiGroups", [])])
}
