package kordon.host_path_volume

import rego.v1

pod(volumes) := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}], "volumes": volumes}}}}

test_host_path_reported if {
	results := violation with input as {"review": {"object": pod([{"name": "root", "hostPath": {"path": "/"}}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "volumes", 0, "hostPath", "path"]
}

test_allowed_prefix_is_quiet if {
	vols := [{"name": "logs", "hostPath": {"path": "/var/log/pods"}}]
	count(violation) == 0 with input as {"review": {"object": pod(vols)}, "parameters": {"allowedHostPaths": ["/var/log"]}}
}

test_sibling_of_allowed_prefix_is_reported if {
	vols := [{"name": "logs", "hostPath": {"path": "/var/logs-other"}}]
	count(violation) == 1 with input as {"review": {"object": pod(vols)}, "parameters": {"allowedHostPaths": ["/var/log"]}}
}

test_other_volumes_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([{"name": "tmp", "emptyDir": {}}])}, "parameters": {}}
}
