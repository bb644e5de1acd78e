package kordon.ingress_nginx_admission_webhook_exposed

import rego.v1

violation contains {"msg": msg, "details": {"path": ["spec", "type"]}} if {
	obj := input.review.object
	obj.kind == "Service"
	service_type := object.get(obj, ["spec", "type"], "ClusterIP")
	service_type in {"LoadBalancer", "NodePort"}
	ingress_nginx(obj)
	webhook_service(obj)
	msg := sprintf("Service %q exposes the ingress-nginx admission webhook outside the cluster (type %s): on controllers before v1.11.5 and v1.12.1 anyone who reaches it can run code in the controller (CVE-2025-1974)", [object.get(obj, ["metadata", "name"], ""), service_type])
}

# By its own labels or by the pods it selects.
ingress_nginx(obj) if {
	some field in [["metadata", "labels"], ["spec", "selector"]]
	labels := object.get(obj, field, {})
	is_object(labels)
	object.get(labels, "app.kubernetes.io/name", "") == "ingress-nginx"
}

ingress_nginx(obj) if contains(object.get(obj, ["metadata", "name"], ""), "ingress-nginx")

webhook_service(obj) if endswith(object.get(obj, ["metadata", "name"], ""), "-admission")

# The controller's webhook listens on its `webhook` container port, 8443 by default.
webhook_service(obj) if {
	some port in object.get(obj, ["spec", "ports"], [])
	is_object(port)
	object.get(port, "targetPort", "") in {"webhook", 8443}
}
