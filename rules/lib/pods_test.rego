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

test_workload_crds_keep_their_template_under_spec if {
	rollout := {"apiVersion": "argoproj.io/v1alpha1", "kind": "Rollout", "spec": {"template": {"metadata": {"labels": {"app": "a"}}, "spec": {"containers": [{"name": "a"}]}}}}
	[e.path | some e in pods.containers(rollout)] == [["spec", "template", "spec", "containers", 0]]
	pods.pod_metadata(rollout) == {"labels": {"app": "a"}}
	dc := {"apiVersion": "apps.openshift.io/v1", "kind": "DeploymentConfig", "spec": {"template": {"spec": {"containers": [{"name": "b"}]}}}}
	count(pods.containers(dc)) == 1
}

test_knative_service_is_a_workload_and_a_core_service_is_not if {
	knative := {"apiVersion": "serving.knative.dev/v1", "kind": "Service", "spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}
	pods.pod_spec_path(knative) == ["spec", "template", "spec"]
	core := {"apiVersion": "v1", "kind": "Service", "spec": {"template": {"spec": {"containers": [{"image": "x"}]}}}}
	count(pods.containers(core)) == 0
}

test_a_kind_in_an_unknown_group_is_read_as_the_core_kind if {
	# Old groups (extensions/v1beta1) served the core workload kinds.
	obj := {"apiVersion": "extensions/v1beta1", "kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	count(pods.containers(obj)) == 1
}

test_container_inherits_pod_security_context if {
	entry := {"pod_spec": {"securityContext": {"runAsNonRoot": true, "runAsUser": 1000, "fsGroup": 2000}}, "container": {"securityContext": {"runAsUser": 3000}}}
	sc := pods.effective_security_context(entry)
	sc == {"runAsNonRoot": true, "runAsUser": 3000}
}

test_other_kinds_have_no_containers if {
	count(pods.containers({"kind": "ConfigMap", "data": {}})) == 0
}

test_set_op_creates_missing_parents if {
	op := pods.set_op({"name": "a"}, ["spec", "containers", 0], ["securityContext", "runAsNonRoot"], true)
	op == {"op": "add", "path": ["spec", "containers", 0, "securityContext"], "value": {"runAsNonRoot": true}}
}

test_set_op_adds_inside_existing_parent if {
	op := pods.set_op({"securityContext": {}}, ["c"], ["securityContext", "runAsNonRoot"], true)
	op == {"op": "add", "path": ["c", "securityContext", "runAsNonRoot"], "value": true}
}

test_set_op_replaces_present_value if {
	op := pods.set_op({"securityContext": {"runAsNonRoot": false}}, ["c"], ["securityContext", "runAsNonRoot"], true)
	op == {"op": "replace", "path": ["c", "securityContext", "runAsNonRoot"], "value": true}
}

test_setting_path_points_at_pod_level_when_inherited if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "a"}]}}
	some entry in pods.containers(obj)
	pods.setting_path(entry, "runAsUser") == ["spec", "securityContext", "runAsUser"]
}

test_setting_path_prefers_container if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"runAsUser": 0}, "containers": [{"name": "a", "securityContext": {"runAsUser": 0}}]}}
	some entry in pods.containers(obj)
	pods.setting_path(entry, "runAsUser") == ["spec", "containers", 0, "securityContext", "runAsUser"]
}

test_regular_containers_skip_ephemeral if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "ephemeralContainers": [{"name": "debug"}]}}
	[e.container.name | some e in pods.regular_containers(obj)] == ["a"]
}

test_volumes_have_paths if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"volumes": [{"name": "v", "emptyDir": {}}]}}}}
	[v.path | some v in pods.volumes(obj)] == [["spec", "template", "spec", "volumes", 0]]
}

test_path_within if {
	pods.path_within("/var/log/app", "/var/log/")
	pods.path_within("/var/log", "/var/log")
	not pods.path_within("/var/logs", "/var/log")
	pods.path_within("/anything", "/")
}

test_capabilities_are_normalised if {
	entry := {"path": ["c"], "container": {"securityContext": {"capabilities": {"add": ["cap_net_admin"], "drop": ["all"]}}}}
	pods.added_capabilities(entry) == [{"name": "NET_ADMIN", "path": ["c", "securityContext", "capabilities", "add", 0]}]
	pods.dropped_capabilities(entry) == {"ALL"}
}

test_selector_matches if {
	labels := {"app": "api", "tier": "web"}
	pods.selector_matches({"matchLabels": {"app": "api"}}, labels)
	pods.selector_matches({}, labels)
	pods.selector_matches({"matchExpressions": [{"key": "tier", "operator": "In", "values": ["web", "db"]}]}, labels)
	pods.selector_matches({"matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}, labels)
	not pods.selector_matches({"matchLabels": {"app": "db"}}, labels)
	not pods.selector_matches({"matchExpressions": [{"key": "tier", "operator": "NotIn", "values": ["web"]}]}, labels)
}

test_nameless_containers_are_named_by_place if {
	obj := {"kind": "Pod", "spec": {"initContainers": [{"image": "busybox"}], "containers": [{"name": "app"}, {"image": "nginx"}, {"name": 7}]}}
	[e.name | some e in pods.containers(obj)] == ["initContainers[0]", "app", "containers[1]", "containers[2]"]
}

test_container_lists_that_are_not_lists_yield_nothing if {
	obj := {"kind": "Pod", "spec": {"containers": {"name": "app"}, "initContainers": [null, "x", {"name": "init"}]}}
	[e.path | some e in pods.containers(obj)] == [["spec", "initContainers", 2]]
}

test_volumes_that_are_not_a_list_yield_nothing if {
	obj := {"kind": "Pod", "spec": {"volumes": {"v": {"hostPath": {"path": "/"}}}}}
	pods.volumes(obj) == []
}
