package kordon.ingress_nginx_snippet_annotations_allowed

import rego.v1

config_map(data) := {"kind": "ConfigMap", "metadata": {"name": "ingress-nginx-controller", "namespace": "ingress-nginx"}, "data": data}

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_snippets_allowed_is_reported_with_fix if {
	results := violation with input as review(config_map({"allow-snippet-annotations": "true"}))
	count(results) == 1
	some r in results
	r.details.path == ["data", "allow-snippet-annotations"]
	r.details.fix[0].value == "false"
}

test_critical_risk_level_is_reported if {
	results := violation with input as review(config_map({"allow-snippet-annotations": "false", "annotations-risk-level": "Critical"}))
	count(results) == 1
	some r in results
	not r.details.fix
}

test_default_and_off_are_quiet if {
	count(violation) == 0 with input as review(config_map({"allow-snippet-annotations": "false"}))
	count(violation) == 0 with input as review(config_map({"use-forwarded-headers": "true"}))
	count(violation) == 0 with input as review(config_map({"annotations-risk-level": "High"}))
	count(violation) == 0 with input as review({"kind": "ConfigMap", "metadata": {"name": "x"}})
}
