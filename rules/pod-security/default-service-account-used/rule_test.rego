package kordon.default_service_account_used

import rego.v1

review(spec) := {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d", "namespace": "shop"}, "spec": {"template": {"spec": spec}}}}, "parameters": {}}

containers := [{"name": "app"}]

test_explicit_token_under_default_account_is_reported if {
	results := violation with input as review({"automountServiceAccountToken": true, "containers": containers})
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "serviceAccountName"]
	contains(r.msg, "automountServiceAccountToken: true")
	count(violation) == 1 with input as review({"serviceAccountName": "default", "automountServiceAccountToken": true, "containers": containers})
}

test_projected_token_volume_is_reported_whatever_automount_says if {
	volume := {"name": "api-token", "projected": {"sources": [{"serviceAccountToken": {"path": "token", "audience": "vault"}}]}}
	results := violation with input as review({"automountServiceAccountToken": false, "volumes": [volume], "containers": containers})
	some r in results
	contains(r.msg, "\"api-token\"")
}

# Left to pod-service-account-token-automount, or no token at all.
test_unset_or_disabled_automount_is_not_this_rules if {
	count(violation) == 0 with input as review({"containers": containers})
	count(violation) == 0 with input as review({"automountServiceAccountToken": false, "containers": containers})
}

test_own_account_is_quiet if {
	count(violation) == 0 with input as review({"serviceAccountName": "api", "automountServiceAccountToken": true, "containers": containers})
	count(violation) == 0 with input as review({"serviceAccount": "api", "automountServiceAccountToken": true, "containers": containers})
}

test_odd_volumes_do_not_break_the_rule if {
	spec := {"automountServiceAccountToken": true, "volumes": [null, {"name": "x", "projected": {"sources": [null, {"configMap": {"name": "c"}}]}}], "containers": containers}
	count(violation) == 1 with input as review(spec)
}
