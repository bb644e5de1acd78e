package kordon.rbac_pod_exec

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	verb := rbac.grant(entry, [""], ["pods/exec", "pods/attach"], {"create", "get"})
	msg := sprintf("%s %q rule %d lets its subjects run commands in pods (verb %q on %v)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb, entry.rule.resources])
}
