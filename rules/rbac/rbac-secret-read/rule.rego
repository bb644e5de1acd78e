package kordon.rbac_secret_read

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	not rbac.limited_to_names(entry.rule)
	verb := rbac.grant(entry, [""], ["secrets"], {"get", "list", "watch"})
	msg := sprintf("%s %q rule %d lets its subjects read Secrets (verb %q)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb])
}
