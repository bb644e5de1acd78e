package kordon.kubelet_event_qps_unlimited

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj, parameters) := {"review": {"object": obj}, "parameters": parameters}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_zero_is_reported_at_the_field if {
	results := violation with input as review(config({"eventRecordQPS": 0}), {})
	count(results) == 1
	some r in results
	r.details.path == ["eventRecordQPS"]
	contains(r.msg, "without any rate limit")
}

test_zero_flag_is_reported if {
	results := violation with input as review(pod(["--event-qps=0"]), {})
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
}

test_minimum_parameter if {
	count(violation) == 1 with input as review(config({"eventRecordQPS": 2}), {"minimum": 5})
	count(violation) == 0 with input as review(config({"eventRecordQPS": 2}), {})
}

test_default_is_quiet if {
	count(violation) == 0 with input as review(config({}), {})
	count(violation) == 0 with input as review(pod(["--v=2"]), {})
}
