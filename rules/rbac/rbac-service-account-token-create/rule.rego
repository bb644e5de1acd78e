package kordon.rbac_service_account_token_create

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	# A rule limited to named objects is the narrow grant the remediation asks for.
	not rbac.limited_to_names(entry.rule)
	verb := rbac.grant(entry, [""], ["serviceaccounts/token"], {"create"})
	msg := sprintf("%s %q rule %d lets its subjects mint tokens for service accounts (verb %q on %v)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb, object.get(entry.rule, "resources", [])])
}
