package kordon.image_registry_frozen

import rego.v1

pod(image) := {"kind": "Pod", "metadata": {"name": "web"}, "spec": {"containers": [{"name": "web", "image": image}]}}

review(image) := {"review": {"object": pod(image)}, "parameters": {}}

test_frozen_registry_is_reported_with_the_new_name if {
	results := violation with input as review("k8s.gcr.io/ingress-nginx/controller:v1.1.1")
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "image"]
	r.details.fix[0].value == "registry.k8s.io/ingress-nginx/controller:v1.1.1"
}

test_google_containers_is_reported if {
	results := violation with input as review("gcr.io/google_containers/pause:3.1")
	some r in results
	r.details.fix[0].value == "registry.k8s.io/pause:3.1"
}

test_current_and_other_registries_are_quiet if {
	count(violation) == 0 with input as review("registry.k8s.io/pause:3.9")
	count(violation) == 0 with input as review("gcr.io/my-project/app:1.0")
	count(violation) == 0 with input as review("k8s.gcr.io.example.com/app:1")
}
