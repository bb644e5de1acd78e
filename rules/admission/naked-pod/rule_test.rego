package kordon.naked_pod

import rego.v1

test_pod_without_owner_is_reported if {
	results := violation with input as {"review": {"object": {"kind": "Pod", "metadata": {"name": "p"}, "spec": {}}}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["kind"]
}

test_pod_owned_by_a_controller_is_quiet if {
	obj := {"kind": "Pod", "metadata": {"name": "p", "ownerReferences": [{"kind": "ReplicaSet", "name": "rs", "controller": true}]}, "spec": {}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}

test_a_non_controller_owner_does_not_count if {
	obj := {"kind": "Pod", "metadata": {"name": "p", "ownerReferences": [{"kind": "ConfigMap", "name": "c"}, null]}, "spec": {}}
	count(violation) == 1 with input as {"review": {"object": obj}, "parameters": {}}
}

test_workloads_are_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Deployment", "metadata": {"name": "d"}}}, "parameters": {}}
}

test_helm_hook_pods_are_quiet if {
	obj := {"kind": "Pod", "metadata": {"name": "p", "annotations": {"helm.sh/hook": "test"}}, "spec": {}}
	count(violation) == 0 with input as {"review": {"object": obj}, "parameters": {}}
}
