package kordon.default_service_account_used

import rego.v1

import data.lib.kordon.pods

# A pod of the `default` account that leaves automount unset, while that account does not turn
# it off, is reported by `pod-service-account-token-automount`, whose fix (no token) also ends
# this problem. This rule reports the pods that ask for a token on purpose and still use the
# account every other pod of the namespace shares.
violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	runs_as_default(pod.spec)
	some reason in token_requests(pod)
	path := account_path(pod)
	msg := sprintf("the pod runs as the namespace's shared `default` service account and %s: whatever RBAC grants that account, every pod of the namespace holds", [reason])
}

# The API server fills an unset `serviceAccountName` from the deprecated `serviceAccount`.
runs_as_default(spec) if account(spec) in {"", "default"}

account(spec) := name if {
	name := object.get(spec, "serviceAccountName", "")
	name != ""
} else := object.get(spec, "serviceAccount", "")

token_requests(pod) := array.concat(automount_request(pod.spec), projected_requests)

automount_request(spec) := ["mounts its token (automountServiceAccountToken: true)"] if {
	object.get(spec, "automountServiceAccountToken", null) == true
} else := []

# A projected token volume gives the pod a token whatever automount says.
projected_requests := [sprintf("mounts a token through volume %q", [name]) |
	some v in pods.volumes(input.review.object)
	sources := object.get(v.volume, ["projected", "sources"], [])
	is_array(sources)
	some source in sources
	is_object(source)
	is_object(object.get(source, "serviceAccountToken", null))
	name := object.get(v.volume, "name", "")
]

# Point at the account setting when written (`serviceAccountName: default`), else at the pod
# spec, where `serviceAccountName` belongs.
account_path(pod) := array.concat(pod.path, ["serviceAccountName"])
