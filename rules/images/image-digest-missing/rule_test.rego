package kordon.image_digest_missing

import rego.v1

pod(image) := {"kind": "Pod", "spec": {"containers": [{"name": "a", "image": image}]}}

test_off_by_default if {
	count(violation) == 0 with input as {"review": {"object": pod("nginx:1.27")}, "parameters": {"requireDigest": false}}
}

test_tag_only_reported_when_required if {
	results := violation with input as {"review": {"object": pod("nginx:1.27")}, "parameters": {"requireDigest": true}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "image"]
}

test_digest_and_exempt_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod("nginx:1.27@sha256:4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f4c1f")}, "parameters": {"requireDigest": true}}
	count(violation) == 0 with input as {"review": {"object": pod("internal.example.com/app:1")}, "parameters": {"requireDigest": true, "exemptRegistries": ["internal.example.com"]}}
}

test_malformed_digest_is_not_pinned if {
	count(violation) == 1 with input as {"review": {"object": pod("nginx:1.27@sha256:ABC")}, "parameters": {"requireDigest": true}}
}
