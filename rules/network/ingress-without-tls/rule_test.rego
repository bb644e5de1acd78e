package kordon.ingress_without_tls

import rego.v1

ingress(spec) := {"kind": "Ingress", "metadata": {"name": "web"}, "spec": spec}

rules := [{"host": "shop.example.com"}, {"host": "admin.example.com"}]

test_no_tls_is_reported_at_spec if {
	results := violation with input as {"review": {"object": ingress({"rules": rules})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec"]
}

test_uncovered_host_is_reported_at_host if {
	results := violation with input as {"review": {"object": ingress({"rules": rules, "tls": [{"hosts": ["shop.example.com"], "secretName": "s"}]})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "rules", 1, "host"]
}

test_wildcard_and_hostless_tls_cover if {
	count(violation) == 0 with input as {"review": {"object": ingress({"rules": rules, "tls": [{"hosts": ["*.example.com"]}]})}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": ingress({"rules": rules, "tls": [{"secretName": "default"}]})}, "parameters": {}}
}

test_wildcard_covers_one_label_only if {
	not host_matches("*.example.com", "a.b.example.com")
	host_matches("*.example.com", "a.example.com")
}
