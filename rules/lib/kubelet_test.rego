package lib.kordon.kubelet_test

import rego.v1

import data.lib.kordon.kubelet

config := {"apiVersion": "kubelet.config.k8s.io/v1beta1", "kind": "KubeletConfiguration", "eventRecordQPS": 0}

pod(command) := {"kind": "Pod", "metadata": {"name": "kubelet"}, "spec": {"containers": [{"name": "kubelet", "command": command}]}}

unit(command, hidden) := {"apiVersion": "kordon.dev/v1", "kind": "SystemdUnit", "metadata": {"name": "10-kubeadm.conf"}, "service": {"command": command, "unresolvedVariables": hidden}}

test_configuration_is_one_source if {
	[source] := kubelet.sources(config)
	kubelet.effective(source, "event-qps", ["eventRecordQPS"], 50, 50) == 0
	kubelet.effective(source, "make-iptables-util-chains", ["makeIPTablesUtilChains"], true, true) == true
	kubelet.location(source, "event-qps", ["eventRecordQPS"]) == ["eventRecordQPS"]
}

test_container_flags_are_read if {
	[source] := kubelet.sources(pod(["kubelet", "--event-qps=0"]))
	kubelet.effective(source, "event-qps", ["eventRecordQPS"], 50, 50) == "0"
	kubelet.location(source, "event-qps", ["eventRecordQPS"]) == ["spec", "containers", 0, "command", 1]
	kubelet.effective(source, "protect-kernel-defaults", ["protectKernelDefaults"], false, false) == false
}

test_config_flag_hides_defaults if {
	[source] := kubelet.sources(pod(["kubelet", "--config=/var/lib/kubelet/config.yaml"]))
	not kubelet.effective(source, "event-qps", ["eventRecordQPS"], 50, 50)
}

test_unit_command_is_read_and_hidden_variables_hide_defaults if {
	[source] := kubelet.sources(unit(["/usr/bin/kubelet", "--hostname-override=node-1"], ["KUBELET_EXTRA_ARGS"]))
	kubelet.setting(source, "hostname-override", []).path == ["service", "command", 1]
	not kubelet.defaults_apply(source)
	count(kubelet.sources(unit(["/usr/bin/containerd"], []))) == 0
}

test_values if {
	kubelet.truthy("True")
	kubelet.falsy(false)
	kubelet.number("5") == 5
	not kubelet.number("five")
	kubelet.list("a, b") == ["a", "b"]
}
