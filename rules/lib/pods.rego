# Pod specs and containers of every workload kind, with the path to each in the object, and the
# security context a container really runs with (pod-level settings inherited).
package lib.kordon.pods

import rego.v1

workload_template_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job"}

# The path from the object's root to its pod spec.
pod_spec_path(obj) := ["spec"] if obj.kind == "Pod"

pod_spec_path(obj) := ["spec", "template", "spec"] if obj.kind in workload_template_kinds

pod_spec_path(obj) := ["spec", "jobTemplate", "spec", "template", "spec"] if obj.kind == "CronJob"

pod_spec_path(obj) := ["template", "spec"] if obj.kind == "PodTemplate"

# The pod spec of a workload, or undefined for other kinds.
pod_spec(obj) := spec if {
	path := pod_spec_path(obj)
	spec := object.get(obj, path, null)
	is_object(spec)
}

# The pod metadata of a workload (labels and annotations of the pods it creates).
pod_metadata_path(obj) := ["metadata"] if obj.kind == "Pod"

pod_metadata_path(obj) := ["spec", "template", "metadata"] if obj.kind in workload_template_kinds

pod_metadata_path(obj) := ["spec", "jobTemplate", "spec", "template", "metadata"] if obj.kind == "CronJob"

pod_metadata_path(obj) := ["template", "metadata"] if obj.kind == "PodTemplate"

pod_metadata(obj) := object.get(obj, pod_metadata_path(obj), {})

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the object: {"path", "container", "field", "pod_spec"}.
containers(obj) := [entry |
	spec := pod_spec(obj)
	base := pod_spec_path(obj)
	some field in container_fields
	some i, container in object.get(spec, field, [])
	entry := {
		"path": array.concat(base, [field, i]),
		"container": container,
		"field": field,
		"pod_spec": spec,
	}
]

# Settings of the pod-level securityContext that containers inherit unless they set their own.
inherited_fields := {"runAsUser", "runAsGroup", "runAsNonRoot", "seLinuxOptions", "seccompProfile", "appArmorProfile", "windowsOptions"}

# The securityContext a container runs with: its own settings over the inherited pod-level ones.
effective_security_context(entry) := merged if {
	pod_sc := object.get(entry.pod_spec, "securityContext", {})
	inherited := {k: v | some k, v in pod_sc; k in inherited_fields}
	own := object.get(entry.container, "securityContext", {})
	merged := object.union(inherited, own)
}

# The path of a field in the container's own securityContext.
security_context_path(entry, field) := array.concat(entry.path, ["securityContext", field])
