package kordon.kubelet_protect_kernel_defaults_disabled

import rego.v1

config(extra) := object.union({"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration"}, extra)

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(flags) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": array.concat(["kubelet"], flags)}]}}

test_unset_in_configuration_is_reported_with_an_add if {
	results := violation with input as review(config({}))
	count(results) == 1
	some r in results
	r.details.path == ["protectKernelDefaults"]
	r.details.fix == [{"op": "add", "path": ["protectKernelDefaults"], "value": true}]
}

test_false_flag_is_reported_with_a_replacement if {
	results := violation with input as review(pod(["--protect-kernel-defaults=false"]))
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 1]
	r.details.fix[0].value == "--protect-kernel-defaults=true"
}

test_flags_deferring_to_a_file_are_not_judged if {
	count(violation) == 0 with input as review(pod(["--config=/var/lib/kubelet/config.yaml"]))
}

test_true_is_quiet if {
	count(violation) == 0 with input as review(config({"protectKernelDefaults": true}))
	count(violation) == 0 with input as review(pod(["--protect-kernel-defaults"]))
}
