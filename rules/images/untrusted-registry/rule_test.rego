package kordon.untrusted_registry

import rego.v1

pod(image) := {"kind": "Pod", "spec": {"initContainers": [{"name": "a", "image": image}]}}

test_untrusted_reported if {
	results := violation with input as {"review": {"object": pod("docker.io/someone/tool:1")}, "parameters": {"allowedRegistries": ["ghcr.io"]}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "initContainers", 0, "image"]
}

test_hub_shorthand_is_docker_io if {
	count(violation) == 0 with input as {"review": {"object": pod("nginx:1")}, "parameters": {"allowedRegistries": ["docker.io"]}}
}

test_empty_list_disables if {
	count(violation) == 0 with input as {"review": {"object": pod("evil.io/x:1")}, "parameters": {"allowedRegistries": []}}
}
