package kordon.pod_service_account_token_automount

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	# Unset only: `false` is what we ask for, and an explicit `true` is the documented way for a pod
	# that calls the API to opt back in when its ServiceAccount turns automount off.
	object.get(pod.spec, "automountServiceAccountToken", null) == null
	account := service_account_name(pod.spec)
	not account_disables_automount(account)
	path := array.concat(pod.path, ["automountServiceAccountToken"])
	msg := sprintf("the pod gets a token for service account %q mounted automatically", [account])
	details := {"path": path, "fix": [pods.set_op(pod.spec, pod.path, ["automountServiceAccountToken"], false)]}
}

service_account_name(spec) := name if {
	name := object.get(spec, "serviceAccountName", "")
	name != ""
} else := name if {
	name := object.get(spec, "serviceAccount", "")
	name != ""
} else := "default"

# The pod's service account is in the scan and turns automount off.
account_disables_automount(account) if {
	namespace := object.get(input.review.object, ["metadata", "namespace"], "default")
	some version
	sa := data.inventory.namespace[namespace][version].ServiceAccount[account]
	object.get(sa, "automountServiceAccountToken", true) == false
}
