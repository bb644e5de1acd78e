package kordon.seccomp_profile_missing

import rego.v1

review(obj) := {"review": {"object": obj}, "parameters": {}}

apparmor := {"appArmorProfile": {"type": "RuntimeDefault"}}

test_confined_otherwise_but_without_seccomp_one_finding if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"securityContext": apparmor, "containers": [{"name": "a"}, {"name": "b"}]}}}}
	results := violation with input as review(obj)
	count(results) == 1
	some r in results
	r.details.path == ["spec", "template", "spec", "securityContext", "seccompProfile"]
	r.details.fix == [{"op": "add", "path": ["spec", "template", "spec", "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
	contains(r.msg, "\"a\", \"b\"")
}

# No confinement at all is `linux-confinement-missing`'s finding, not this rule's.
test_unconfined_container_is_left_to_the_confinement_rule if {
	obj := {"kind": "Deployment", "spec": {"template": {"spec": {"containers": [{"name": "a"}]}}}}
	count(violation) == 0 with input as review(obj)
}

test_selinux_and_legacy_apparmor_count_as_other_confinement if {
	selinux := {"kind": "Pod", "spec": {"containers": [{"name": "a", "securityContext": {"seLinuxOptions": {"level": "s0:c123,c456"}}}]}}
	count(violation) == 1 with input as review(selinux)
	annotated := {"kind": "Pod", "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/a": "runtime/default"}}, "spec": {"containers": [{"name": "a"}]}}
	count(violation) == 1 with input as review(annotated)
}

test_pod_level_covers_all if {
	obj := {"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}, "appArmorProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "a"}]}}
	count(violation) == 0 with input as review(obj)
}

test_every_container_has_own if {
	obj := {"kind": "Pod", "spec": {"securityContext": apparmor, "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "Localhost", "localhostProfile": "p.json"}}}]}}
	count(violation) == 0 with input as review(obj)
}

test_one_container_without if {
	obj := {"kind": "Pod", "spec": {"securityContext": object.union({"runAsNonRoot": true}, apparmor), "containers": [{"name": "a", "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}}, {"name": "b"}]}}
	results := violation with input as review(obj)
	some r in results
	r.details.fix == [{"op": "add", "path": ["spec", "securityContext", "seccompProfile"], "value": {"type": "RuntimeDefault"}}]
}
