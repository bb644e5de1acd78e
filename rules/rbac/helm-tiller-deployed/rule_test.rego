package kordon.helm_tiller_deployed

import rego.v1

deployment(image) := {"kind": "Deployment", "metadata": {"name": "tiller-deploy", "namespace": "kube-system"}, "spec": {"template": {"spec": {"containers": [{"name": "tiller", "image": image}]}}}}

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_tiller_images_are_reported if {
	results := violation with input as review(deployment("gcr.io/kubernetes-helm/tiller:v2.16.12"))
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "image"]
	count(violation) == 1 with input as review(deployment("ghcr.io/helm/tiller:v2.17.0"))
}

test_other_images_are_quiet if {
	count(violation) == 0 with input as review(deployment("alpine/helm:3.14.0"))
	count(violation) == 0 with input as review(deployment("example.com/tillerman:1"))
}
