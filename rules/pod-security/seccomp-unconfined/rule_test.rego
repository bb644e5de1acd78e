package kordon.seccomp_unconfined

import rego.v1

test_pod_level_unconfined if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "a"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "seccompProfile", "type"]
}

test_container_level_unconfined if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "initContainers": [{"name": "i", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.path == ["spec", "initContainers", 0, "securityContext", "seccompProfile", "type"]
}

test_legacy_annotation if {
	obj := {"kind": "Deployment", "spec": {"template": {"metadata": {"annotations": {"container.seccomp.security.alpha.kubernetes.io/app": "unconfined"}}, "spec": {"containers": [{"name": "app"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	some r in results
	r.details.path == ["spec", "template", "metadata", "annotations", "container.seccomp.security.alpha.kubernetes.io/app"]
}

test_runtime_default_and_unset_quiet if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}, {"name": "b", "securityContext": {}}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
