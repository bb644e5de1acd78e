package kordon.host_range_user_id

import rego.v1

pod(sc, containers) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"securityContext": sc, "containers": containers}}

review(obj, parameters) := {"review": {"object": obj}, "parameters": parameters}

test_low_ids_are_reported_where_they_are_written if {
	results := violation with input as review(pod({"runAsUser": 1000}, [{"name": "a", "securityContext": {"runAsGroup": 999}}]), {})
	count(results) == 2
	paths := {r.details.path | some r in results}
	paths == {["spec", "securityContext", "runAsUser"], ["spec", "containers", 0, "securityContext", "runAsGroup"]}
}

test_root_unset_and_high_ids_are_not_this_rules if {
	count(violation) == 0 with input as review(pod({"runAsUser": 0, "runAsGroup": 0}, [{"name": "a"}]), {})
	count(violation) == 0 with input as review(pod({}, [{"name": "a"}]), {})
	count(violation) == 0 with input as review(pod({"runAsUser": 10000, "runAsGroup": 65534}, [{"name": "a"}]), {})
}

test_container_setting_overrides_the_pod if {
	count(violation) == 0 with input as review(pod({"runAsUser": 1000}, [{"name": "a", "securityContext": {"runAsUser": 20000}}]), {})
}

test_threshold_is_configurable_and_zero_turns_it_off if {
	obj := pod({"runAsUser": 1500}, [{"name": "a"}])
	count(violation) == 0 with input as review(obj, {"minimumId": 1000})
	count(violation) == 1 with input as review(obj, {"minimumId": 2000})
	count(violation) == 0 with input as review(obj, {"minimumId": 0})
}

test_non_numeric_ids_are_not_judged if {
	count(violation) == 0 with input as review(pod({"runAsUser": "1000"}, [{"name": "a"}]), {})
}

test_a_pod_level_id_is_one_finding_for_all_containers_that_inherit_it if {
	obj := pod({"runAsUser": 1000}, [{"name": "main"}, {"name": "sidecar"}, {"name": "own", "securityContext": {"runAsUser": 20000}}])
	results := violation with input as review(obj, {})
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "runAsUser"]
	contains(r.msg, `containers "main", "sidecar" run with runAsUser 1000`)
}
