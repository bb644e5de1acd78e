package kordon.host_path_writable

import rego.v1

pod(mount) := {"kind": "Pod", "spec": {
	"containers": [{"name": "a", "volumeMounts": [mount]}],
	"volumes": [{"name": "host", "hostPath": {"path": "/var/log"}}, {"name": "tmp", "emptyDir": {}}],
}}

test_writable_mount_reported_with_fix if {
	results := violation with input as {"review": {"object": pod({"name": "host", "mountPath": "/h"})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "volumeMounts", 0, "readOnly"]
	r.details.fix == [{"op": "add", "path": ["spec", "containers", 0, "volumeMounts", 0, "readOnly"], "value": true}]
}

test_read_only_false_is_replaced if {
	results := violation with input as {"review": {"object": pod({"name": "host", "mountPath": "/h", "readOnly": false})}, "parameters": {}}
	some r in results
	r.details.fix[0].op == "replace"
}

test_read_only_mount_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"name": "host", "mountPath": "/h", "readOnly": true})}, "parameters": {}}
}

test_other_volume_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"name": "tmp", "mountPath": "/t"})}, "parameters": {}}
}
