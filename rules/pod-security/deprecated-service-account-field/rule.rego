package kordon.deprecated_service_account_field

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	pod := pods.pod_spec_entry(input.review.object)
	legacy := object.get(pod.spec, "serviceAccount", null)
	is_string(legacy)
	# An empty value names no account, and the API server ignores it.
	legacy != ""
	path := array.concat(pod.path, ["serviceAccount"])
	msg := message(legacy, object.get(pod.spec, "serviceAccountName", null))
}

message(legacy, current) := sprintf("the pod sets the deprecated `serviceAccount: %s`; write `serviceAccountName` instead", [legacy]) if current == null

message(legacy, current) := sprintf("the pod sets the deprecated `serviceAccount: %s` beside `serviceAccountName: %v`: the API server uses serviceAccountName, and the old field only misleads readers", [legacy, current]) if current != null
