package kordon.secret_as_env_var

import rego.v1

pod(container) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [object.union({"name": "app"}, container)]}}

test_secret_key_ref_is_reported if {
	results := violation with input as {"review": {"object": pod({"env": [{"name": "A", "value": "1"}, {"name": "B", "valueFrom": {"secretKeyRef": {"name": "s", "key": "k"}}}]})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "env", 1, "valueFrom", "secretKeyRef"]
}

test_env_from_secret_is_reported if {
	results := violation with input as {"review": {"object": pod({"envFrom": [{"configMapRef": {"name": "c"}}, {"secretRef": {"name": "s"}}]})}, "parameters": {}}
	count(results) == 1
	some r in results
	r.details.path == ["spec", "containers", 0, "envFrom", 1, "secretRef"]
}

test_config_map_is_quiet if {
	count(violation) == 0 with input as {"review": {"object": pod({"env": [{"name": "B", "valueFrom": {"configMapKeyRef": {"name": "c", "key": "k"}}}]})}, "parameters": {}}
}
