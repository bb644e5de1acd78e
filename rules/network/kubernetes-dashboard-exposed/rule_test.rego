package kordon.kubernetes_dashboard_exposed

import rego.v1

deployment(image, args) := {"kind": "Deployment", "metadata": {"name": "kubernetes-dashboard"}, "spec": {"template": {"spec": {"containers": [{"name": "kubernetes-dashboard", "image": image, "args": args}]}}}}

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_skip_login_is_reported_at_the_flag if {
	results := violation with input as review(deployment("kubernetesui/dashboard:v2.7.0", ["--auto-generate-certificates", "--enable-skip-login"]))
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "args", 1]
}

test_insecure_login_is_reported if {
	count(violation) == 1 with input as review(deployment("docker.io/kubernetesui/dashboard-auth:1.1.3", ["--enable-insecure-login=true"]))
}

test_other_images_and_false_are_quiet if {
	count(violation) == 0 with input as review(deployment("example.com/web:1", ["--enable-skip-login"]))
	count(violation) == 0 with input as review(deployment("kubernetesui/dashboard:v2.7.0", ["--enable-skip-login=false"]))
}

test_exposed_service_is_reported if {
	service := {"kind": "Service", "metadata": {"name": "dashboard", "labels": {"k8s-app": "kubernetes-dashboard"}}, "spec": {"type": "NodePort"}}
	results := violation with input as review(service)
	some r in results
	r.details.path == ["spec", "type"]
	count(violation) == 0 with input as review(object.union(service, {"spec": {"type": "ClusterIP"}}))
	count(violation) == 0 with input as review({"kind": "Service", "metadata": {"name": "web"}, "spec": {"type": "LoadBalancer"}})
}

test_selector_identifies_the_dashboard if {
	service := {"kind": "Service", "metadata": {"name": "console"}, "spec": {"type": "LoadBalancer", "selector": {"app.kubernetes.io/name": "kubernetes-dashboard"}}}
	count(violation) == 1 with input as review(service)
}
