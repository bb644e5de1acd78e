package kordon.kubelet_pod_pids_unlimited

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_unset_is_reported_at_the_missing_field if {
	results := violation with input as review(config({}))
	count(results) == 1
	some r in results
	r.details.path == ["podPidsLimit"]
	contains(r.msg, "unset, so -1")
}

test_minus_one_flag_is_reported if {
	count(violation) == 1 with input as review(pod(["--pod-max-pids=-1"]))
}

test_limit_is_quiet if {
	count(violation) == 0 with input as review(config({"podPidsLimit": 4096}))
	count(violation) == 0 with input as review(pod(["--pod-max-pids=1024"]))
	count(violation) == 0 with input as review(pod(["--config=/var/lib/kubelet/config.yaml"]))
}
