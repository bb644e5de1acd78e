package kordon.linux_confinement_missing

import rego.v1

review(obj) := {"review": {"object": obj}, "parameters": {}}

pod(sc, containers) := {"kind": "Pod", "metadata": {"name": "p"}, "spec": {"securityContext": sc, "containers": containers}}

test_no_confinement_one_finding_per_pod_with_the_seccomp_fix if {
	results := violation with input as review(pod({}, [{"name": "a"}, {"name": "b"}]))
	count(results) == 1
	some r in results
	r.details.path == ["spec", "securityContext", "seccompProfile"]
	r.details.fix == [{"op": "add", "path": ["spec", "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
	contains(r.msg, "\"a\", \"b\"")
}

test_any_one_mechanism_is_enough if {
	count(violation) == 0 with input as review(pod({"seccompProfile": {"type": "RuntimeDefault"}}, [{"name": "a"}]))
	count(violation) == 0 with input as review(pod({"appArmorProfile": {"type": "Localhost", "localhostProfile": "k8s-worker"}}, [{"name": "a"}]))
	count(violation) == 0 with input as review(pod({}, [{"name": "a", "securityContext": {"seLinuxOptions": {"type": "container_t"}}}]))
	annotated := object.union(pod({}, [{"name": "a"}]), {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "runtime/default"}}})
	count(violation) == 0 with input as review(annotated)
}

test_unconfined_profiles_and_empty_options_do_not_count if {
	count(violation) == 1 with input as review(pod({"appArmorProfile": {"type": "Unconfined"}, "seLinuxOptions": {"user": "system_u"}}, [{"name": "a"}]))
	annotated := object.union(pod({}, [{"name": "a"}]), {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "unconfined"}}})
	count(violation) == 1 with input as review(annotated)
}

# An explicit seccomp Unconfined is `seccomp-unconfined`'s finding.
test_explicit_seccomp_unconfined_is_left_to_its_rule if {
	count(violation) == 0 with input as review(pod({"seccompProfile": {"type": "Unconfined"}}, [{"name": "a"}]))
}

test_annotation_names_the_container_it_confines if {
	annotated := object.union(pod({}, [{"name": "a"}, {"name": "b"}]), {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "runtime/default"}}})
	results := violation with input as review(annotated)
	some r in results
	contains(r.msg, "\"b\"")
	not contains(r.msg, "\"a\"")
}

test_workload_template_and_init_containers if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"initContainers": [{"name": "init"}], "containers": [{"name": "app", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}]}}}}
	results := violation with input as review(obj)
	some r in results
	contains(r.msg, "\"init\"")
	r.details.path == ["spec", "template", "spec", "securityContext", "seccompProfile"]
}
