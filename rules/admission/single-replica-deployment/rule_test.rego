package kordon.single_replica_deployment

import rego.v1

test_one_replica if {
	results := violation with input as {"review": {"object": {"kind": "Deployment", "spec": {"replicas": 1}}}, "parameters": {}}
	count(results) == 1
}

test_several_or_unset_quiet if {
	count(violation) == 0 with input as {"review": {"object": {"kind": "Deployment", "spec": {"replicas": 3}}}, "parameters": {}}
	count(violation) == 0 with input as {"review": {"object": {"kind": "Deployment", "spec": {}}}, "parameters": {}}
}
