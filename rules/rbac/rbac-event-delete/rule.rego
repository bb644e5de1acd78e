package kordon.rbac_event_delete

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	verb := rbac.grant(entry, ["", "events.k8s.io"], ["events"], {"delete", "deletecollection"})
	msg := sprintf("%s %q rule %d lets its subjects delete events (verb %q on %v)", [obj.kind, rbac.name_of(obj), entry.index, verb.verb, object.get(entry.rule, "resources", [])])
}
