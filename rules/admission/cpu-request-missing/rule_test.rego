package kordon.cpu_request_missing

import rego.v1

test_missing_reported_at_path if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {}}]}}}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "requests", "cpu"]
}

test_set_is_quiet_and_ephemeral_skipped if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"requests": {"cpu": "250m"}}}], "ephemeralContainers": [{"name": "dbg"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_init_containers_checked if {
	obj := {"kind": "Pod", "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a", "resources": {"requests": {"cpu": "250m"}}}]}}
	count(violation) == 1 with input as {"review": {"object": obj}, "parameters": {}}
}
