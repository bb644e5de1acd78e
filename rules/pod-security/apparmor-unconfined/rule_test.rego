package kordon.apparmor_unconfined

import rego.v1

test_annotation_form if {
	obj := {"kind": "Deployment", "spec": {"template": {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"}}, "spec": {"containers": [{"name": "app"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "metadata", "annotations", "container.apparmor.security.beta.kubernetes.io/app"]
	contains(r.msg, "\"app\"")
}

test_field_form_pod_and_container if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"appArmorProfile": {"type": "Unconfined"}}, "containers": [{"name": "a", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}}
	count(violation) == 2 with input as {"review": {"object": obj}, "parameters": {}}
}

test_runtime_default_quiet if {
	obj := {"kind": "Pod", "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "runtime/default"}}, "spec": {"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
