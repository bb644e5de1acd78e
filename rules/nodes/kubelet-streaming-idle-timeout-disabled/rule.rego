package kordon.kubelet_streaming_idle_timeout_disabled

import rego.v1

zero := {"0", "0s", "0m", "0h", "0ms"}

violation contains {"msg": msg, "details": {"path": ["streamingConnectionIdleTimeout"], "fix": [{"op": "replace", "path": ["streamingConnectionIdleTimeout"], "value": "5m"}]}} if {
	value := object.get(input.review.object, "streamingConnectionIdleTimeout", "4h")
	sprintf("%v", [value]) in zero
	msg := sprintf("the kubelet never closes idle exec, attach and port-forward sessions (streamingConnectionIdleTimeout: %v)", [value])
}
