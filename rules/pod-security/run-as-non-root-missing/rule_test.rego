package kordon.run_as_non_root_missing

import rego.v1

test_pod_level_setting_is_inherited if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a"}, {"name": "b"}]}}}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_container_overrides_pod if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a", "securityContext": {"runAsNonRoot": false}}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "runAsNonRoot"]
	r.details.fix[0].op == "replace"
}

test_pod_level_false_is_pointed_at if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": false}, "containers": [{"name": "a"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.path == ["spec", "securityContext", "runAsNonRoot"]
}

test_unset_everywhere if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}}
	count(violation) == 2 with input as {"review": {"object": obj}, "parameters": {}}
}
