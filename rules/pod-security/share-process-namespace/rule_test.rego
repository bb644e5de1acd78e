package kordon.share_process_namespace

import rego.v1

test_shared_namespace_reported if {
	obj := {"kind": "Job", "spec": {"template": {"spec": {"shareProcessNamespace": true, "containers": [{"name": "a"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "shareProcessNamespace"]
}

test_default_is_quiet if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
