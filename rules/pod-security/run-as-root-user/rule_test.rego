package kordon.run_as_root_user

import rego.v1

test_inherited_root_user_points_at_pod if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "runAsUser"]
}

test_container_override_wins if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "a", "securityContext": {"runAsUser": 1000}}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_container_root if {
	obj := {"kind": "Job", "spec": {"template": {"spec": {"containers": [{"name": "a", "securityContext": {"runAsUser": 0}}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "securityContext", "runAsUser"]
}

test_unset_is_quiet if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
