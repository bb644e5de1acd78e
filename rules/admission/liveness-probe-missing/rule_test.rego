package kordon.liveness_probe_missing

import rego.v1

test_missing_reported if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"initContainers": [{"name": "i"}], "containers": [{"name": "a"}]}}}}
	results := violation with input as {"review": {"object": obj}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "containers", 0, "livenessProbe"]
}

test_present_is_quiet if {
	obj := {"kind": "StatefulSet", "spec": {"template": {"spec": {"containers": [{"name": "a", "livenessProbe": {"tcpSocket": {"port": 80}}}]}}}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
