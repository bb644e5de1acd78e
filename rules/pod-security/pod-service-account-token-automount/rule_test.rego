package kordon.pod_service_account_token_automount

import rego.v1

deployment(spec) := {"kind": "Deployment", "metadata": {"name": "d", "namespace": "shop"}, "spec": {"template": {"spec": spec}}}

test_unset_reported_with_fix if {
	results := violation with input as {"review": {"object": deployment({"containers": [{"name": "a"}]})}, "parameters": {}}
		with data.inventory as {}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "automountServiceAccountToken"]
	r.details.fix == [{"op": "add", "path": ["spec", "template", "spec", "automountServiceAccountToken"], "value": false}]
	contains(r.msg, "\"default\"")
}

test_disabled_on_pod_quiet if {
	count(violation) == 0 with input as {"review": {"object": deployment({"automountServiceAccountToken": false, "containers": []})}, "parameters": {}}
		with data.inventory as {}
}

test_disabled_on_service_account_quiet if {
	inv := {"namespace": {"shop": {"v1": {"ServiceAccount": {"api": {"automountServiceAccountToken": false}}}}}}
	count(violation) == 0 with input as {"review": {"object": deployment({"serviceAccountName": "api", "containers": []})}, "parameters": {}}
		with data.inventory as inv
}

test_explicit_opt_in_is_quiet if {
	inv := {"namespace": {"shop": {"v1": {"ServiceAccount": {"api": {"automountServiceAccountToken": false}}}}}}
	count(violation) == 0 with input as {"review": {"object": deployment({"serviceAccountName": "api", "automountServiceAccountToken": true, "containers": []})}, "parameters": {}}
		with data.inventory as inv
}
