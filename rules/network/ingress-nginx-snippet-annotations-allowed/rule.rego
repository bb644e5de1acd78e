package kordon.ingress_nginx_snippet_annotations_allowed

import rego.v1

# The keys are ingress-nginx's own, so a ConfigMap holding them configures an ingress-nginx
# controller whatever it is called.
violation contains {"msg": msg, "details": {"path": path, "fix": [{"op": "replace", "path": path, "value": "false"}]}} if {
	obj := input.review.object
	obj.kind == "ConfigMap"
	value := object.get(obj, ["data", "allow-snippet-annotations"], "false")
	is_string(value)
	lower(trim_space(value)) == "true"
	path := ["data", "allow-snippet-annotations"]
	msg := sprintf("ConfigMap %q lets Ingress authors inject raw NGINX configuration (allow-snippet-annotations: %q): anyone who can create an Ingress can read the controller's ServiceAccount token and every Secret it can see (CVE-2021-25742)", [object.get(obj, ["metadata", "name"], ""), value])
}

violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	obj.kind == "ConfigMap"
	value := object.get(obj, ["data", "annotations-risk-level"], "")
	is_string(value)
	lower(trim_space(value)) == "critical"
	path := ["data", "annotations-risk-level"]
	msg := sprintf("ConfigMap %q accepts ingress-nginx annotations of every risk level (annotations-risk-level: %q), snippets included: Ingress authors can inject NGINX configuration", [object.get(obj, ["metadata", "name"], ""), value])
}
