package kordon.pod_service_account_token_automount

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	pod_setting := object.get(pod.spec, "automountServiceAccountToken", null)
	pod_setting != false
	account := service_account_name(pod.spec)
	not account_disables_automount(pod_setting, account)
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

# The pod leaves the decision to its service account, which is in the scan and says no.
account_disables_automount(pod_setting, account) if {
	pod_setting == null
	namespace := object.get(input.review.object, ["metadata", "namespace"], "default")
	some version
	sa := data.inventory.namespace[namespace][version].ServiceAccount[account]
	object.get(sa, "automountServiceAccountToken", true) == false
}
