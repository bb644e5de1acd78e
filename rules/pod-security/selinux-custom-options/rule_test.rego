package kordon.selinux_custom_options

import rego.v1

test_spc_type_on_container if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "spc_t"}}}]}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "seLinuxOptions", "type"]
}

test_user_and_role_on_pod if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seLinuxOptions": {"user": "system_u", "role": "system_r"}}, "containers": [{"name": "a"}]}}
	count(violation) == 2 with input as {"review": {"object": obj}, "parameters": {}}
}

test_level_only_and_container_t_quiet if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seLinuxOptions": {"level": "s0:c123,c456"}}, "containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_t"}}}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
