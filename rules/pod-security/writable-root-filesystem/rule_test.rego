package kordon.writable_root_filesystem

import rego.v1

test_missing_reported_with_fix if {
	obj := {"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": [{"name": "db"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "securityContext", "readOnlyRootFilesystem"]
	r.details.fix == [{"op": "add", "path": ["spec", "template", "spec", "containers", 0, "securityContext"], "value": {"readOnlyRootFilesystem": true}}]
}

test_read_only_quiet_and_ephemeral_skipped if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"readOnlyRootFilesystem": true}}], "ephemeralContainers": [{"name": "debug"}]}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
