# Pod specs and containers of every workload kind, with the path to each in the object, and the
# security context a container really runs with (pod-level settings inherited).
package lib.kordon.pods

import rego.v1

import data.lib.kordon.workloads

# Where each workload kind keeps its pod template comes from `lib.kordon.workloads`, a table
# kordon generates from its built-in kinds and the `workloads` of .kordon.yaml, so a custom
# resource described there is judged by every pod rule. Tables rather than a function with one
# body per kind: the interpreter evaluates every body of a function on each call, and every pod
# rule starts here. A kind declared with its group (Knative's `Service`) wins over a core kind.
template_path(obj) := path if {
	path := workloads.group_template_paths[concat("/", [api_group(obj), obj.kind])]
} else := workloads.template_paths[obj.kind]

# The API group of an object ("" for the core group).
api_group(obj) := group if {
	parts := split(object.get(obj, "apiVersion", ""), "/")
	count(parts) == 2
	group := parts[0]
} else := ""

# The path from the object's root to its pod spec, or undefined for kinds that run no pods.
pod_spec_path(obj) := array.concat(template_path(obj), ["spec"])

# The pod spec of a workload, or undefined for other kinds.
pod_spec(obj) := spec if {
	spec := object.get(obj, pod_spec_path(obj), null)
	is_object(spec)
}

# The path from the object's root to the metadata of the pods it creates.
pod_metadata_path(obj) := array.concat(template_path(obj), ["metadata"])

# The pod metadata of a workload (labels and annotations of the pods it creates).
pod_metadata(obj) := object.get(obj, pod_metadata_path(obj), {})

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the object: {"path", "container", "field", "pod_spec", "name"}. `name` is
# what messages call the container: its name, or its place (`containers[1]`) when it has none, so
# a nameless container is judged like any other. A container list that is not a list, or an item
# that is not a mapping, cannot be judged here; the scanner reports it as a problem.
containers(obj) := [entry |
	base := pod_spec_path(obj)
	spec := object.get(obj, base, null)
	is_object(spec)
	some field in container_fields
	listed := object.get(spec, field, [])
	is_array(listed)
	some i, container in listed
	is_object(container)
	entry := {
		"path": array.concat(base, [field, i]),
		"container": container,
		"field": field,
		"pod_spec": spec,
		"name": container_name(container, field, i),
	}
]

container_name(container, _, _) := container.name if is_string(container.name)

container_name(container, field, i) := sprintf("%s[%d]", [field, i]) if not is_string(object.get(container, "name", null))

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

# Containers that may carry resources and probes: ephemeral containers can have neither.
regular_containers(obj) := [entry | some entry in containers(obj); entry.field != "ephemeralContainers"]

# Long-running containers (probes apply): app containers, not init or ephemeral ones.
app_containers(obj) := [entry | some entry in containers(obj); entry.field == "containers"]

# {"path", "spec"} of the object's pod spec, for pod-level checks.
pod_spec_entry(obj) := {"path": path, "spec": spec} if {
	path := pod_spec_path(obj)
	spec := object.get(obj, path, null)
	is_object(spec)
}

# Every volume of the pod: {"path", "volume"}.
volumes(obj) := [v |
	some pod in [pod_spec_entry(obj)]
	listed := object.get(pod.spec, "volumes", [])
	is_array(listed)
	some i, volume in listed
	is_object(volume)
	v := {"path": array.concat(pod.path, ["volumes", i]), "volume": volume}
]

# The value the effective securityContext has for `field`, or `fallback` when unset.
effective_setting(entry, field, fallback) := object.get(effective_security_context(entry), field, fallback)

# The path where an effective setting comes from: the container's own securityContext when it
# sets the field, else the pod's when the pod sets it, else the container's (where a fix goes).
setting_path(entry, field) := path if {
	object.get(entry.container, ["securityContext", field], null) != null
	path := security_context_path(entry, field)
} else := path if {
	field in inherited_fields
	object.get(entry.pod_spec, ["securityContext", field], null) != null
	path := array.concat(array.slice(entry.path, 0, count(entry.path) - 2), ["securityContext", field])
} else := security_context_path(entry, field)

# A patch op that sets `keys` (a list of mapping keys) under `root`, which sits at `base` in the
# object. Intermediate mappings that are absent are created by adding at the deepest level that
# exists, so the patch never assumes a parent that is not there.
set_op(root, base, keys, value) := {"op": "replace", "path": array.concat(base, keys), "value": value} if {
	object.get(root, keys, null) != null
} else := op if {
	n := count(keys)
	present := [i | some i in numbers.range(0, n - 1); is_object(object.get(root, array.slice(keys, 0, i), null))]
	depth := max(present)
	op := {
		"op": "add",
		"path": array.concat(base, array.slice(keys, 0, depth + 1)),
		"value": nest(array.slice(keys, depth + 1, n), value),
	}
}

# `value` wrapped in mappings keyed by `keys`, outermost first (at most three levels are needed).
nest(keys, value) := value if count(keys) == 0

nest(keys, value) := {keys[0]: value} if count(keys) == 1

nest(keys, value) := {keys[0]: {keys[1]: value}} if count(keys) == 2

nest(keys, value) := {keys[0]: {keys[1]: {keys[2]: value}}} if count(keys) == 3

# A patch op setting a field of a container's own securityContext.
container_sc_op(entry, field, value) := set_op(entry.container, entry.path, ["securityContext", field], value)

# Whether the node path `p` is `prefix` or lies below it (trailing slashes ignored, so "/var/log/"
# covers "/var/log/app" but "/var/lo" does not).
path_within(p, prefix) if {
	clean_prefix := trim_right(prefix, "/")
	clean := trim_right(p, "/")
	clean == clean_prefix
}

path_within(p, prefix) if {
	clean_prefix := trim_right(prefix, "/")
	startswith(trim_right(p, "/"), concat("", [clean_prefix, "/"]))
}

# A capability name as the kernel knows it: upper case, without the optional `CAP_` prefix.
capability_name(c) := trim_prefix(upper(c), "CAP_")

# Capabilities a container adds: {"name", "path"} for each entry of securityContext.capabilities.add.
added_capabilities(entry) := [{"name": capability_name(c), "path": array.concat(entry.path, ["securityContext", "capabilities", "add", i])} |
	some i, c in object.get(entry.container, ["securityContext", "capabilities", "add"], [])
]

# Capabilities a container drops, normalised.
dropped_capabilities(entry) := {capability_name(c) | some c in object.get(entry.container, ["securityContext", "capabilities", "drop"], [])}

# Whether a label selector (matchLabels and matchExpressions) selects an object with `labels`.
# An empty selector selects everything, as policy/v1 defines it.
selector_matches(selector, labels) if {
	every key, value in object.get(selector, "matchLabels", {}) {
		labels[key] == value
	}
	every expression in object.get(selector, "matchExpressions", []) {
		expression_matches(expression, labels)
	}
}

expression_matches(expression, labels) if {
	expression.operator == "In"
	labels[expression.key] in expression.values
}

expression_matches(expression, labels) if {
	expression.operator == "NotIn"
	not labels[expression.key] in expression.values
}

expression_matches(expression, labels) if {
	expression.operator == "Exists"
	labels[expression.key]
}

expression_matches(expression, labels) if {
	expression.operator == "DoesNotExist"
	not expression.key in object.keys(labels)
}

# Whether a container runs under a mandatory access control profile: an AppArmor profile other
# than unconfined (the `appArmorProfile` field, inherited or its own, or the annotation that
# preceded it) or SELinux options that name a type or level. Seccomp is judged apart, by the
# seccomp rules; `linux-confinement-missing` reports containers with none of the three.
mac_confined(obj, entry) if {
	profile := effective_setting(entry, "appArmorProfile", {})
	is_object(profile)
	not object.get(profile, "type", "") in {"", "Unconfined"}
}

mac_confined(obj, entry) if {
	annotations := object.get(pod_metadata(obj), "annotations", {})
	is_object(annotations)
	value := object.get(annotations, concat("", ["container.apparmor.security.beta.kubernetes.io/", entry.name]), "")
	is_string(value)
	not lower(value) in {"", "unconfined"}
}

mac_confined(obj, entry) if {
	options := effective_setting(entry, "seLinuxOptions", {})
	is_object(options)
	some field in ["type", "level"]
	object.get(options, field, "") != ""
}

# Whether the container's effective seccomp profile names a type (Unconfined included: that
# choice is reported by `seccomp-unconfined`).
seccomp_type_set(entry) if {
	profile := effective_setting(entry, "seccompProfile", {})
	is_object(profile)
	object.get(profile, "type", "") != ""
}
