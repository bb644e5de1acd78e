# Namespace-level checks over data.inventory: what a namespace of the scan contains, and which
# single object carries a finding about the namespace as a whole.
package lib.kordon.namespaces

import rego.v1

import data.lib.kordon.inventory

# Whether `obj` runs pods, by group and kind (`inventory.pod_owner`): a Knative Service does, a
# core Service does not; a PodTemplate only describes pods.
pod_owner(obj) if inventory.pod_owner(object.get(obj, "apiVersion", ""), obj.kind)

# The namespace a namespaced object lands in ("default" when the manifest does not say).
namespace_of(obj) := ns if {
	ns := object.get(obj, ["metadata", "namespace"], "")
	ns != ""
}

namespace_of(obj) := "default" if object.get(obj, ["metadata", "namespace"], "") == ""

# Whether the scan holds an object of one of `kinds` in namespace `ns`, in any API version.
has_kind(ns, kinds) if {
	some kind in kinds
	count(data.inventory.namespace[ns][_][kind]) > 0
}

# Whether the scan holds an object of one of `kinds` anywhere (cluster-scoped or not).
has_kind_anywhere(kinds) if {
	some kind in kinds
	count(data.inventory.cluster[_][kind]) > 0
}

has_kind_anywhere(kinds) if {
	some kind in kinds
	count(data.inventory.namespace[_][_][kind]) > 0
}

# Whether the scan declares the Namespace object `ns`.
declared(ns) if data.inventory.cluster[_].Namespace[ns]

# The first workload of a namespace, by kind then name: where a namespace finding lands when
# the scan has no Namespace object for it.
first_workload(ns) := min([[kind, name] |
	some version, by_kind in data.inventory.namespace[ns]
	some kind, named in by_kind
	inventory.pod_owner(version, kind)
	some name, _ in named
])

# Whether namespace `ns` holds a workload that sorts before (kind, name): the test for "is this
# the first workload", read from views of the inventory a scan computes once (a search of the
# namespace on every review made these rules quadratic in the size of a namespace).
earlier_workload(ns, kind, _) if inventory.first_workload_kind[ns] < kind

earlier_workload(ns, kind, name) if inventory.first_workload_name[[ns, kind]] < name

# The namespace a Namespace object or a workload belongs to: cheap, so rules can test the namespace
# before the costlier check of which object carries the finding.
candidate(obj) := obj.metadata.name if obj.kind == "Namespace"

candidate(obj) := namespace_of(obj) if pod_owner(obj)

# The namespace `obj` stands for when a finding is about a namespace, and the path to point
# at; undefined when `obj` is not the object that carries it. A Namespace object carries the
# findings about itself; without one, the namespace's first workload carries them.
subject(obj) := {"namespace": obj.metadata.name, "path": ["metadata", "name"], "declared": true} if {
	obj.kind == "Namespace"
}

subject(obj) := {"namespace": ns, "path": path, "declared": false} if {
	pod_owner(obj)
	ns := namespace_of(obj)
	not declared(ns)
	not earlier_workload(ns, obj.kind, object.get(obj, ["metadata", "name"], ""))
	path := location(obj)
}

location(obj) := ["metadata", "namespace"] if object.get(obj, ["metadata", "namespace"], "") != ""

location(obj) := ["metadata"] if object.get(obj, ["metadata", "namespace"], "") == ""

# Words for the message: which object stands for the namespace.
carrier_note(subject) := "" if subject.declared

carrier_note(subject) := " (reported on its first workload: the scan has no Namespace object for it)" if not subject.declared
