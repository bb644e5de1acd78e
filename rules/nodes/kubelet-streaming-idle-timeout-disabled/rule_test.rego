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
