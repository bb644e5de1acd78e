package kordon.kubelet_streaming_idle_timeout_disabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(extra) := {"review": {"object": config(extra)}, "parameters": {}}

test_zero_is_reported if {
	count(violation) == 1 with input as review({"streamingConnectionIdleTimeout": "0s"})
	count(violation) == 1 with input as review({"streamingConnectionIdleTimeout": 0})
}

test_timeout_is_quiet if {
	count(violation) == 0 with input as review({"streamingConnectionIdleTimeout": "5m"})
	count(violation) == 0 with input as review({})
}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

unit(exec) := {"apiVersion": "kordon.dev/v1", "kind": "SystemdUnit", "metadata": {"name": "kubelet.service"}, "service": {"command": exec}}

test_zero_flag_is_reported_with_a_replacement if {
	results := violation with input as {"review": {"object": pod(["--config=/var/lib/kubelet/config.yaml", "--streaming-connection-idle-timeout=0"])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
	r.details.fix[0].value == "--streaming-connection-idle-timeout=5m"
	contains(r.msg, "kubelet in container \"kubelet\"")
}

test_zero_in_a_systemd_unit_is_reported_without_a_fix if {
	results := violation with input as {"review": {"object": unit(["/usr/bin/kubelet", "--streaming-connection-idle-timeout=0s"])}, "parameters": {}}
	count(results) == 1
	some r in results
	not r.details.fix
}

test_unset_or_nonzero_flag_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod([])}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": pod(["--streaming-connection-idle-timeout=30m"])}, "parameters": {}}
}
