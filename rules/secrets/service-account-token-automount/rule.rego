package kordon.service_account_token_automount

import rego.v1

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	not exempt(obj)
	object.get(obj, "automountServiceAccountToken", null) != false
	details := finding_details(obj)
	msg := sprintf("ServiceAccount %q%s mounts an API token into every pod that uses it; set automountServiceAccountToken: false and let the pods that need the API opt in", [name_of(obj), role_note(obj)])
}

finding_details(obj) := {"path": ["automountServiceAccountToken"], "fix": [{"op": "replace", "path": ["automountServiceAccountToken"], "value": false}]} if {
	"automountServiceAccountToken" in object.keys(obj)
}

finding_details(obj) := {"path": ["metadata", "name"], "fix": [{"op": "add", "path": ["automountServiceAccountToken"], "value": false}]} if {
	not "automountServiceAccountToken" in object.keys(obj)
}

role_note(obj) := " (the namespace's default account)" if name_of(obj) == "default"

role_note(obj) := "" if name_of(obj) != "default"

# A ServiceAccount may be written without a name (generateName): it is judged all the same.
name_of(obj) := object.get(obj, ["metadata", "name"], "")

namespace(obj) := object.get(obj, ["metadata", "namespace"], "default")

exempt(obj) if namespace(obj) in object.get(input.parameters, "exemptNamespaces", [])

exempt(obj) if sprintf("%s/%s", [namespace(obj), name_of(obj)]) in object.get(input.parameters, "exemptServiceAccounts", [])
