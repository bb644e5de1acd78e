package kordon.restricted_volume_type

import rego.v1

pod(volumes) := {"kind": "Pod", "spec": {"containers": [{"name": "a"}], "volumes": volumes}}

test_nfs_reported if {
	results := violation with input as {"review": {"object": pod([{"name": "a", "emptyDir": {}}, {"name": "b", "nfs": {"server": "x", "path": "/"}}])}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "volumes", 1, "nfs"]
}

test_allowed_types_and_host_path_quiet if {
	vols := [{"name": "a", "projected": {"sources": []}}, {"name": "b", "persistentVolumeClaim": {"claimName": "c"}}, {"name": "h", "hostPath": {"path": "/x"}}]
	count(violation) == 0 with input as {"review": {"object": pod(vols)}, "parameters": {}}
}
