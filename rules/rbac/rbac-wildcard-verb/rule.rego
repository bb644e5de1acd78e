package kordon.rbac_wildcard_verb

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["verbs", j])}} if {
	obj := input.review.object
	not object.get(obj, ["metadata", "name"], "") in object.get(input.parameters, "exemptRoles", [])
	some entry in rbac.policy_rules(obj)
	some j, verb in entry.rule.verbs
	verb == "*"
	msg := sprintf("%s %q rule %d grants every verb (\"*\") on %v", [obj.kind, object.get(obj, ["metadata", "name"], ""), entry.index, object.get(entry.rule, "resources", object.get(entry.rule, "nonResourceURLs", []))])
}
