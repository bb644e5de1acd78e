package kordon.kubelet_iptables_util_chains_disabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_false_is_reported_with_fix if {
	results := violation with input as review(config({"makeIPTablesUtilChains": false}))
	count(results) == 1
	some r in results
	r.details.fix == [{"op": "replace", "path": ["makeIPTablesUtilChains"], "value": true}]
}

test_false_flag_is_reported if {
	results := violation with input as review(pod(["--make-iptables-util-chains", "false"]))
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	not r.details.fix
}

test_default_and_true_are_quiet if {
	count(violation) == 0 with input as review(config({}))
	count(violation) == 0 with input as review(pod(["--v=2"]))
	count(violation) == 0 with input as review(config({"makeIPTablesUtilChains": true}))
}
