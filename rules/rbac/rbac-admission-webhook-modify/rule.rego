package kordon.rbac_admission_webhook_modify

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	not narrowed(entry.rule)
	verb := rbac.grant(entry, ["admissionregistration.k8s.io"], ["validatingwebhookconfigurations", "mutatingwebhookconfigurations", "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies", "mutatingadmissionpolicybindings"], {"create", "update", "patch", "delete", "deletecollection"})
	msg := sprintf("%s %q rule %d lets its subjects change admission control (verb %q on %v)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb, object.get(entry.rule, "resources", [])])
}

# A rule limited to named configurations is the narrow grant the remediation asks for, unless it
# also grants verbs that `resourceNames` cannot limit (create, deletecollection).
narrowed(rule) if {
	rbac.limited_to_names(rule)
	not rbac.grants_verb(rule, {"create", "deletecollection"})
}
