package kordon.fixture_no_host_network

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": "the pod shares the host's network", "details": details} if {
	obj := input.review.object
	pods.pod_spec(obj).hostNetwork == true
	path := array.concat(pods.pod_spec_path(obj), ["hostNetwork"])
	details := {"path": path, "fix": [{"op": "remove", "path": path}]}
}
