package kordon.kubernetes_dashboard_exposed

import rego.v1

import data.lib.kordon.control_plane as cp
import data.lib.kordon.images
import data.lib.kordon.pods

# Dashboard images: the classic all-in-one one and the split images of v3 and later.
dashboard_image(image) if {
	repository := images.parse(image).repository
	some suffix in ["kubernetesui/dashboard", "kubernetes-dashboard-amd64", "kubernetesui/dashboard-api", "kubernetesui/dashboard-web", "kubernetesui/dashboard-auth"]
	endswith(repository, suffix)
}

login_flags := {
	"enable-skip-login": "anyone who reaches it can skip the login and act as the dashboard's own ServiceAccount",
	"enable-insecure-login": "it accepts logins and tokens over plain HTTP",
}

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in pods.containers(input.review.object)
	image := object.get(entry.container, "image", "")
	is_string(image)
	dashboard_image(image)
	some flag, consequence in login_flags
	f := cp.flag(entry, flag)
	lower(f.value) in {"true", "1", "t"}
	msg := sprintf("Kubernetes Dashboard in container %q runs with --%s: %s", [entry.name, flag, consequence])
}

violation contains {"msg": msg, "details": {"path": ["spec", "type"]}} if {
	obj := input.review.object
	obj.kind == "Service"
	service_type := object.get(obj, ["spec", "type"], "ClusterIP")
	service_type in {"LoadBalancer", "NodePort"}
	dashboard_service(obj)
	msg := sprintf("Service %q exposes the Kubernetes Dashboard outside the cluster (type %s): its login page and API face every network that reaches the nodes or the load balancer", [object.get(obj, ["metadata", "name"], ""), service_type])
}

dashboard_service(obj) if contains(object.get(obj, ["metadata", "name"], ""), "kubernetes-dashboard")

# By its own labels or by the pods it selects.
dashboard_service(obj) if {
	some field in [["metadata", "labels"], ["spec", "selector"]]
	labels := object.get(obj, field, {})
	is_object(labels)
	some key in ["k8s-app", "app.kubernetes.io/name", "app"]
	object.get(labels, key, "") == "kubernetes-dashboard"
}
