package kordon.kubelet_streaming_idle_timeout_disabled

import rego.v1

import data.lib.kordon.kubelet

flag := "streaming-connection-idle-timeout"

field := ["streamingConnectionIdleTimeout"]

zero := {"0", "0s", "0m", "0h", "0ms"}

# Both defaults are 4h, so only a written zero is reported.
violation contains {"msg": msg, "details": kubelet.fix_details(source, flag, field, "5m", "--streaming-connection-idle-timeout=5m")} if {
	some source in kubelet.sources(input.review.object)
	value := kubelet.setting(source, flag, field).value
	sprintf("%v", [value]) in zero
	msg := sprintf("%s never closes idle exec, attach and port-forward sessions (%s: %v)", [subject(source), kubelet.written(source, flag, field), value])
}

# The message a configuration file always had; command lines name their kubelet.
subject(source) := "the kubelet" if source.type == "config"

subject(source) := source.label if source.type == "flags"
