package kordon.writable_root_filesystem

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	some entry in pods.regular_containers(input.review.object)
	object.get(entry.container, ["securityContext", "readOnlyRootFilesystem"], false) != true
	msg := sprintf("container %q can write to its root file system (readOnlyRootFilesystem is not true)", [entry.name])
	details := {
		"path": pods.security_context_path(entry, "readOnlyRootFilesystem"),
		"fix": [pods.container_sc_op(entry, "readOnlyRootFilesystem", true)],
	}
}
