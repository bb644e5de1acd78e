package kordon.deprecated_api_version

import rego.v1

test_old_ingress_with_fix if {
	results := violation with input as {"review": {"object": {"apiVersion": "extensions/v1beta1", "kind": "Ingress"}}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["apiVersion"]
	r.details.fix == [{"op": "replace", "path": ["apiVersion"], "value": "networking.k8s.io/v1"}]
}

test_psp_has_no_fix if {
	results := violation with input as {"review": {"object": {"apiVersion": "policy/v1beta1", "kind": "PodSecurityPolicy"}}, "parameters": {}}
	some r in results
	not r.details.fix
}

test_current_versions_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"apiVersion": "apps/v1", "kind": "Deployment"}}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": {"apiVersion": "extensions/v1beta1", "kind": "Widget"}}, "parameters": {}}
}
