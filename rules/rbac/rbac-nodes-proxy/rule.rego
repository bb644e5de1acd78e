package kordon.rbac_nodes_proxy

import rego.v1

import data.lib.kordon.rbac

violation contains {"msg": msg, "details": {"path": verb.path}} if {
	obj := input.review.object
	not rbac.exempt_role(obj, input.parameters)
	some entry in rbac.policy_rules(obj)
	verbs := {v | some v in object.get(entry.rule, "verbs", [])}
	verb := rbac.grant(entry, [""], ["nodes/proxy"], verbs)
	msg := sprintf("%s %q rule %d grants %q on nodes/proxy: the kubelet API of every node, exec included", [obj.kind, rbac.name_of(obj), entry.index, verb.verb])
}
