package kordon.rbac_impersonate

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	some verb in rbac.named_verbs(entry, {"impersonate"})
	scope := limitation(entry.rule)
	msg := sprintf("%s %q rule %d lets its subjects impersonate %v%s", [obj.kind, rbac.name_of(obj), entry.index, object.get(entry.rule, "resources", []), scope])
}

limitation(rule) := sprintf(" (limited to %v)", [rule.resourceNames]) if rbac.limited_to_names(rule)

limitation(rule) := ", any identity including system:masters" if not rbac.limited_to_names(rule)
