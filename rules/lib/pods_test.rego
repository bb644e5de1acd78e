package lib.kordon.pods_test

import rego.v1

import data.lib.kordon.pods

test_deployment_containers_have_paths if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}], "initContainers": [{"name": "i"}]}}}}
	paths := {e.path | some e in pods.containers(obj)}
	paths == {["spec", "template", "spec", "containers", 0], ["spec", "template", "spec", "initContainers", 0]}
}

test_cronjob_pod_spec_path if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": []}}}}}}
	pods.pod_spec_path(obj) == ["spec", "jobTemplate", "spec", "template", "spec"]
}

test_container_inherits_pod_security_context if {
	entry := {"pod_spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "fsGroup": 2000}}, "container": {"securityContext": {"runAsUser": 3000}}}
	sc := pods.effective_security_context(entry)
	sc == {"runAsNonRoot": true, "runAsUser": 3000}
}

test_other_kinds_have_no_containers if {
	count(pods.containers({"kind": "ConfigMap", "data": {}})) == 0
}
