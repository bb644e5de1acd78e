package kordon.container_runtime_socket_mounted

import rego.v1

pod(p) := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a"}], "volumes": [{"name": "v", "hostPath": {"path": p}}]}}}}}}

test_docker_socket if {
	results := violation with input as {"review": {"object": pod("/var/run/docker.sock")}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "jobTemplate", "spec", "template", "spec", "volumes", 0, "hostPath", "path"]
}

test_containerd_socket_and_run_dir if {
	count(violation) == 1 with input as {"review": {"object": pod("/run/containerd/containerd.sock")}, "parameters": {}}
	count(violation) == 1 with input as {"review": {"object": pod("/var/run/")}, "parameters": {}}
}

test_unrelated_host_path if {
	count(violation) == 0 with input as {"review": {"object": pod("/var/log")}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod("/var/lib/kubelet/pods")}, "parameters": {}}
}
