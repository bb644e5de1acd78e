package kordon.ingress_nginx_vulnerable_version

import rego.v1

deployment(image) := {"kind": "Deployment", "metadata": {"name": "ingress-nginx-controller"}, "spec": {"template": {"spec": {"containers": [{"name": "controller", "image": image}]}}}}

review(image) := {"review": {"object": deployment(image)}, "parameters": {}}

test_old_controller_names_both_flaws if {
	results := violation with input as review("registry.k8s.io/ingress-nginx/controller:v1.1.1@sha256:0bc88eb15f9e7f84e8e56c14fa5735aaa488b840983f87bd79b1054190e660de")
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "image"]
	contains(r.msg, "CVE-2025-1974")
	contains(r.msg, "CVE-2021-25742")
}

test_ingress_nightmare_window if {
	count(violation) == 1 with input as review("registry.k8s.io/ingress-nginx/controller:v1.11.4")
	count(violation) == 1 with input as review("registry.k8s.io/ingress-nginx/controller:v1.12.0")
	count(violation) == 1 with input as review("quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.32.0")
}

test_fixed_releases_and_other_images_are_quiet if {
	count(violation) == 0 with input as review("registry.k8s.io/ingress-nginx/controller:v1.11.5")
	count(violation) == 0 with input as review("registry.k8s.io/ingress-nginx/controller:v1.12.1")
	count(violation) == 0 with input as review("registry.k8s.io/ingress-nginx/controller:v1.13.0")
	count(violation) == 0 with input as review("nginx:1.25.3")
	count(violation) == 0 with input as review("registry.k8s.io/ingress-nginx/controller:latest")
}
