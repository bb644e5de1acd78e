package kordon.host_network

import rego.v1

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_host_network_in_deployment if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"hostNetwork": true, "containers": [{"name": "a"}]}}}}
	results := violation with input as review(obj)
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "hostNetwork"]
	r.details.fix == [{"op": "replace", "path": ["spec", "template", "spec", "hostNetwork"], "value": false}]
}

test_host_network_false_is_quiet if {
	obj := {"kind": "Pod", "spec": {"hostNetwork": false, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as review(obj)
}

test_cronjob_is_checked if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostNetwork": true}}}}}}
	count(violation) == 1 with input as review(obj)
}
