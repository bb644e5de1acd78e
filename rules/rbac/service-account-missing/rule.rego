package kordon.service_account_missing

import rego.v1

import data.lib.kordon.pods

# The account the pod names and the field that names it (serviceAccountName wins, as the API
# server decides); undefined when it names none, which means `default`.
account(pod) := {"name": name, "field": "serviceAccountName"} if {
	name := object.get(pod.spec, "serviceAccountName", "")
	is_string(name)
	name != ""
} else := {"name": name, "field": "serviceAccount"} if {
	name := object.get(pod.spec, "serviceAccount", "")
	is_string(name)
	name != ""
}

violation contains {"msg": msg, "details": {"path": array.concat(pod.path, [named.field])}} if {
	obj := input.review.object
	pod := pods.pod_spec_entry(obj)
	named := account(pod)
	named.name != "default"
	# A name the API server would refuse (`$SA_NAME`, `<KSA_NAME>`) is a placeholder for a tool
	# such as envsubst to fill in, not an account.
	regex.match(`^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$`, named.name)
	namespace := object.get(obj, ["metadata", "namespace"], "default")
	not account_in_scan(namespace, named.name)
	not named.name in object.get(input.parameters, "knownServiceAccounts", [])
	msg := sprintf("the pod runs as service account %q, which is not in the scan for namespace %q: the pods are not created until it exists, and whoever creates it decides its RBAC and token settings", [named.name, namespace])
}

account_in_scan(namespace, name) if {
	some version
	data.inventory.namespace[namespace][version].ServiceAccount[name]
}
