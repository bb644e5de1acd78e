package kordon.host_ipc

import rego.v1

review(obj) := {"review": {"object": obj}, "parameters": {}}

test_reported_on_statefulset if {
	obj := {"kind": "StatefulSet", "spec": {"template": {"spec": {"hostIPC": true, "containers": [{"name": "a"}]}}}}
	results := violation with input as review(obj)
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "hostIPC"]
}

test_unset_is_quiet if {
	obj := {"kind": "Pod", "spec": {"containers": [{"name": "a"}]}}
	count(violation) == 0 with input as review(obj)
}

test_false_is_quiet if {
	obj := {"kind": "Pod", "spec": {"hostIPC": false, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as review(obj)
}
