package kordon.service_account_missing

import rego.v1

accounts := {"namespace": {"shop": {"v1": {"ServiceAccount": {"api": {"kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "shop"}}}}}}}

pod(spec) := {"kind": "Pod", "metadata": {"name": "p", "namespace": "shop"}, "spec": spec}

review(spec) := {"review": {"object": pod(spec)}, "parameters": {}}

test_missing_account_is_reported if {
	results := violation with input as review({"serviceAccountName": "apl"}) with data.inventory as accounts
	count(results) == 1
	some r in results
	r.details.path == ["spec", "serviceAccountName"]
}

test_present_account_is_quiet if {
	count(violation) == 0 with input as review({"serviceAccountName": "api"}) with data.inventory as accounts
}

test_default_account_is_quiet if {
	count(violation) == 0 with input as review({"containers": []}) with data.inventory as accounts
	count(violation) == 0 with input as review({"serviceAccountName": "default"}) with data.inventory as accounts
}

test_deprecated_field_is_read if {
	results := violation with input as review({"serviceAccount": "legacy"}) with data.inventory as accounts
	some r in results
	r.details.path == ["spec", "serviceAccount"]
}

test_known_accounts_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"serviceAccountName": "vendor"})}, "parameters": {"knownServiceAccounts": ["vendor"]}} with data.inventory as accounts
}

test_placeholders_are_quiet if {
	count(violation) == 0 with input as review({"serviceAccountName": "${KSA_NAME}"}) with data.inventory as accounts
	count(violation) == 0 with input as review({"serviceAccountName": "<KSA_NAME>"}) with data.inventory as accounts
	count(violation) == 0 with input as review({"serviceAccountName": "KSA_NAME"}) with data.inventory as accounts
}
