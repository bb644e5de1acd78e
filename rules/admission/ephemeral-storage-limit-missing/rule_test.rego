package kordon.ephemeral_storage_limit_missing

import rego.v1

test_missing_reported_at_path if {
	obj := {"kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {}}]}}}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "jobTemplate", "spec", "template", "spec", "containers", 0, "resources", "limits", "ephemeral-storage"]
}

test_set_is_quiet_and_ephemeral_skipped if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "resources": {"limits": {"ephemeral-storage": "1Gi"}}}], "ephemeralContainers": [{"name": "dbg"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_init_containers_checked if {
	obj := {"kind": "Pod", "spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a", "resources": {"limits": {"ephemeral-storage": "1Gi"}}}]}}
	count(violation) == 1 with input as {"review": {"object": obj}, "parameters": {}}
}
