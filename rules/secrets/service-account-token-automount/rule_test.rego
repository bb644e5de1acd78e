package kordon.service_account_token_automount

import rego.v1

sa(extra) := object.union({"kind": "ServiceAccount", "metadata": {"name": "web", "namespace": "shop"}}, extra)

test_explicit_true_is_reported_at_field if {
	results := violation with input as {"review": {"object": sa({"automountServiceAccountToken": true})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["automountServiceAccountToken"]
	r.details.fix[0].op == "replace"
}

test_missing_is_reported_with_add_fix if {
	results := violation with input as {"review": {"object": sa({})}, "parameters": {}}
	some r in results
	r.details.fix == [{"op": "add", "path": ["automountServiceAccountToken"], "value": false}]
}

test_false_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": sa({"automountServiceAccountToken": false})}, "parameters": {}}
}

test_exemptions if {
	count(violation) == 0 with input as {"review": {"object": sa({})}, "parameters": {"exemptNamespaces": ["shop"]}}
	count(violation) == 0 with input as {"review": {"object": sa({})}, "parameters": {"exemptServiceAccounts": ["shop/web"]}}
}
