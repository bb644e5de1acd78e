package kordon.windows_host_process

import rego.v1

test_pod_level_host_process if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"windowsOptions": {"hostProcess": true}}, "containers": [{"name": "a"}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "windowsOptions", "hostProcess"]
}

test_container_level_host_process if {
	obj := {"kind": "DaemonSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "securityContext": {"windowsOptions": {"hostProcess": true}}}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "securityContext", "windowsOptions", "hostProcess"]
}

test_plain_windows_pod_is_quiet if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"windowsOptions": {"runAsUserName": "ContainerUser"}}, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
