package kordon.deprecated_service_account_field

import rego.v1

pod(spec) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": spec}

test_legacy_field_is_reported if {
	results := violation with input as {"review": {"object": pod({"serviceAccount": "sa", "containers": []})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "serviceAccount"]
	contains(r.msg, "write `serviceAccountName`")
}

test_both_fields_are_reported_with_the_winner if {
	results := violation with input as {"review": {"object": pod({"serviceAccount": "old", "serviceAccountName": "new"})}, "parameters": {}}
	some r in results
	contains(r.msg, "serviceAccountName: new")
}

test_current_field_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"serviceAccountName": "sa"})}, "parameters": {}}
}

test_empty_legacy_field_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"serviceAccount": ""})}, "parameters": {}}
}
