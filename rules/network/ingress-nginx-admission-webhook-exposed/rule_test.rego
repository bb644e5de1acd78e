package kordon.ingress_nginx_admission_webhook_exposed

import rego.v1

service(name, type, ports) := {"kind": "Service", "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "ingress-nginx"}}, "spec": {"type": type, "ports": ports}}

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_exposed_admission_service_is_reported if {
	results := violation with input as review(service("ingress-nginx-controller-admission", "LoadBalancer", [{"port": 443, "targetPort": "webhook"}]))
	count(results) == 1
	some r in results
	r.details.path == ["spec", "type"]
}

test_controller_service_carrying_the_webhook_port_is_reported if {
	count(violation) == 1 with input as review(service("edge", "NodePort", [{"port": 80, "targetPort": "http"}, {"port": 8443, "targetPort": 8443}]))
}

test_default_and_plain_controller_services_are_quiet if {
	count(violation) == 0 with input as review(service("ingress-nginx-controller-admission", "ClusterIP", [{"port": 443, "targetPort": "webhook"}]))
	count(violation) == 0 with input as review(service("ingress-nginx-controller", "LoadBalancer", [{"port": 80, "targetPort": "http"}, {"port": 443, "targetPort": "https"}]))
	count(violation) == 0 with input as review({"kind": "Service", "metadata": {"name": "payments-admission"}, "spec": {"type": "LoadBalancer"}})
}

test_selector_identifies_the_controller if {
	obj := {"kind": "Service", "metadata": {"name": "hooks"}, "spec": {"type": "NodePort", "selector": {"app.kubernetes.io/name": "ingress-nginx"}, "ports": [{"port": 443, "targetPort": "webhook"}]}}
	count(violation) == 1 with input as review(obj)
}
