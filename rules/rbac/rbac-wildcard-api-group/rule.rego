package kordon.rbac_wildcard_api_group

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["apiGroups", j])}} if {
	obj := input.review.object
	not object.get(obj, ["metadata", "name"], "") in object.get(input.parameters, "exemptRoles", [])
	some entry in rbac.policy_rules(obj)
	not "*" in object.get(entry.rule, "resources", [])
	some j, group in entry.rule.apiGroups
	group == "*"
	msg := sprintf("%s %q rule %d grants %v in every API group (\"*\")", [obj.kind, object.get(obj, ["metadata", "name"], ""), entry.index, object.get(entry.rule, "resources", [])])
}
