package kordon.rbac_pod_port_forward

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	verb := rbac.grant(entry, [""], ["pods/portforward"], {"create", "get"})
	msg := sprintf("%s %q rule %d lets its subjects open connections into pods (verb %q on %v)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb, object.get(entry.rule, "resources", [])])
}
