package kordon.apiserver_admission_plugin_missing

import rego.v1

pod(flags) := {"kind": "Pod", "metadata": {"name": "kube-apiserver", "namespace": "kube-system"}, "spec": {"containers": [{"name": "kube-apiserver", "command": array.concat(["kube-apiserver"], flags)}]}}

review(flags, parameters) := {"review": {"object": pod(flags)}, "parameters": parameters}

all_on := "--enable-admission-plugins=NodeRestriction,AlwaysPullImages,EventRateLimit,DenyServiceExternalIPs"

test_each_missing_opt_in_plugin_is_reported_at_the_list if {
	results := violation with input as review(["--enable-admission-plugins=NodeRestriction"], {})
	count(results) == 3
	every r in results {
		r.details.path == ["spec", "containers", 0, "command", 1]
		not r.details.fix
	}
}

test_missing_flag_is_reported_at_command if {
	results := violation with input as review(["--profiling=false"], {})
	count(results) == 3
	some r in results
	r.details.path == ["spec", "containers", 0, "command"]
}

test_default_plugins_count_as_on if {
	count(violation) == 0 with input as review([all_on], {})
}

test_disabling_a_default_plugin_is_reported_at_the_disable_flag if {
	results := violation with input as review([all_on, "--disable-admission-plugins=ServiceAccount"], {})
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "command", 2]
	contains(r.msg, "disables the ServiceAccount")
}

test_legacy_admission_control_replaces_the_defaults if {
	results := violation with input as review(["--admission-control=AlwaysPullImages,EventRateLimit,DenyServiceExternalIPs"], {})
	count(results) == 2
	some r in results
	contains(r.msg, "NamespaceLifecycle")
}

test_parameters_choose_the_plugins if {
	count(violation) == 0 with input as review(["--enable-admission-plugins=NodeRestriction"], {"plugins": ["NamespaceLifecycle", "ServiceAccount"]})
	results := violation with input as review([all_on], {"plugins": ["PodNodeSelector"]})
	count(results) == 1
}
