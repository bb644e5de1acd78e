package kordon.run_as_root_group

import rego.v1

test_inherited_group if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsGroup": 0}, "containers": [{"name": "a"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "runAsGroup"]
}

test_fs_group_and_supplemental if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"fsGroup": 0, "supplementalGroups": [5, 0]}, "containers": [{"name": "a"}]}}
	paths := {r.details.path | some r in violation} with input as {"review": {"object": obj}, "parameters": {}}
	paths == {["spec", "securityContext", "fsGroup"], ["spec", "securityContext", "supplementalGroups", 1]}
}

test_non_root_groups_quiet if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsGroup": 1000, "fsGroup": 2000}, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
