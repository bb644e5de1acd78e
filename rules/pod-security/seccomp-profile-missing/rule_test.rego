package kordon.seccomp_profile_missing

import rego.v1

test_missing_everywhere_one_finding if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}, {"name": "b"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "securityContext", "seccompProfile"]
	r.details.fix == [{"op": "add", "path": ["spec", "template", "spec", "securityContext"], "value": {"seccompProfile": {"type": "RuntimeDefault"}}}]
	contains(r.msg, "\"a\", \"b\"")
}

test_pod_level_covers_all if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_every_container_has_own if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_one_container_without if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}, {"name": "b"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.fix == [{"op": "add", "path": ["spec", "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
}
