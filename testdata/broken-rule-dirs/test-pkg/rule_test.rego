package kordon.good

import rego.v1

pod(sc) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "a:1", "securityContext": sc}]}}

test_privileged_is_reported if {
	results := violation with input as {"review": {"object": pod({"privileged": true})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "securityContext", "privileged"]
}

test_unprivileged_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"privileged": false})}, "parameters": {}}
}

test_init_container_in_cronjob_is_reported if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {
		"initContainers": [{"name": "setup", "securityContext": {"privileged": true}}],
		"containers": [{"name": "main"}],
	}}}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
}
