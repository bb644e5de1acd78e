package kordon.proc_mount_unmasked

import rego.v1

test_unmasked_reported if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"procMount": "Unmasked"}}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.fix == [{"op": "replace", "path": ["spec", "containers", 0, "securityContext", "procMount"], "value": "Default"}]
}

test_default_and_unset_quiet if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"procMount": "Default"}}, {"name": "b"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
