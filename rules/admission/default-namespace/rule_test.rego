package kordon.default_namespace

import rego.v1

test_default_reported if {
	results := violation with input as {"review": {"object": {"kind": "Service", "metadata": {"name": "s", "namespace": "default"}}}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["metadata", "namespace"]
}

test_other_or_unset_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Service", "metadata": {"name": "s", "namespace": "shop"}}}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": {"kind": "Service", "metadata": {"name": "s"}}}, "parameters": {}}
}
