package kordon.rbac_escalate_or_bind

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	rbac.in_group(entry.rule, "rbac.authorization.k8s.io")
	some resource in object.get(entry.rule, "resources", [])
	some wanted in ["roles", "clusterroles"]
	rbac.resource_matches(resource, wanted)
	some verb in rbac.named_verbs(entry, {"escalate", "bind"})
	msg := sprintf("%s %q rule %d grants %q on roles: its subjects can grant themselves any permission", [obj.kind, rbac.name_of(obj), entry.index, verb.verb])
}
