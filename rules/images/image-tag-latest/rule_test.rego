package kordon.image_tag_latest

import rego.v1

pod(image) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": image}]}}

test_latest_and_untagged if {
	results := violation with input as {"review": {"object": pod("nginx:latest")}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "image"]
	count(violation) == 1 with input as {"review": {"object": pod("registry.local:5000/app")}, "parameters": {}}
}

test_placeholders_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod("${IMAGE_URL}")}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod("REGION-docker.pkg.dev/PROJECT_ID/app")}, "parameters": {}}
}

test_versioned_and_digest_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod("nginx:1.27.0")}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod("nginx@sha256:0123")}, "parameters": {}}
}
