package kordon.workload_exposed_outside_cluster

import rego.v1

import data.lib.kordon.inventory
import data.lib.kordon.namespaces
import data.lib.kordon.pods

route_kinds := {"HTTPRoute", "GRPCRoute", "TLSRoute", "TCPRoute", "UDPRoute"}

# How many exposure paths a message spells out; the related locations name them all.
message_limit := 3

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	obj.kind != "PodTemplate"
	pods.pod_spec(obj)
	count(object.get(obj, ["metadata", "ownerReferences"], [])) == 0
	object.get(obj, ["spec", "replicas"], 1) != 0
	ns := namespaces.namespace_of(obj)
	labels := pod_labels(obj)
	count(labels) > 0
	found := sort([e | some e in exposures(ns, labels)])
	count(found) > 0
	texts := [e[0] | some e in array.slice(found, 0, message_limit)]
	more := more_note(count(found))
	details := {
		"path": array.concat(pods.pod_metadata_path(obj), ["labels"]),
		"related": [r | some e in found; some r in e[1]],
	}
	msg := sprintf("%s %q is reachable from outside the cluster: %s%s", [obj.kind, object.get(obj, ["metadata", "name"], ""), concat("; ", texts), more])
}

more_note(n) := "" if n <= message_limit

more_note(n) := sprintf(" (and %d more)", [n - message_limit]) if n > message_limit

pod_labels(obj) := labels if {
	labels := object.get(pods.pod_metadata(obj), "labels", {})
	is_object(labels)
} else := {}

# The Services of a namespace that select pods with `labels`, by name. A Service without a
# selector (its endpoints managed by hand) is skipped: which pods it reaches is not in the scan.
# Only the Services whose first selector label the pods carry are tried (an inventory view), so
# a namespace of many workloads and Services is not searched whole for each workload.
selecting_services(ns, labels) := {name: service |
	some key, value in labels
	some name in inventory.selecting_services_by_label[inventory.label_key(ns, key, value)]
	service := data.inventory.namespace[ns].v1.Service[name]
	every selector_key, selector_value in service.spec.selector {
		labels[selector_key] == selector_value
	}
}

# Each exposure: [message text, related references].
exposures(ns, labels) := {e |
	services := selecting_services(ns, labels)
	some name, service in services
	some e in service_exposures(ns, name, service)
}

service_exposures(ns, name, service) := {[text, [related_service(name, ["spec", "type"], text)]] |
	type := object.get(service, ["spec", "type"], "ClusterIP")
	type in {"LoadBalancer", "NodePort"}
	text := sprintf("Service %q of type %s selects its pods", [name, type])
} | {[text, [related_service(name, ["spec", "selector"], text), related_route("Ingress", ingress, path, text)]] |
	some ingress, spec in ingresses(ns)
	some path in ingress_backend_paths(spec, name)
	text := sprintf("Ingress %q routes to Service %q, which selects its pods", [ingress, name])
} | {[text, [related_service(name, ["spec", "selector"], text), object.union(related_route(kind, route, path, text), {"namespace": route_ns})]] |
	some [route_ns, kind, route, path] in route_backend_paths(ns, name)
	text := sprintf("%s %q routes to Service %q, which selects its pods", [kind, route, name])
}

related_service(name, path, text) := {"kind": "Service", "apiVersion": "v1", "name": name, "path": path, "message": text}

related_route(kind, name, path, text) := {"kind": kind, "name": name, "path": path, "message": text}

# The Ingresses of a namespace, by name (every API version: networking.k8s.io and the old
# extensions group).
ingresses(ns) := {name: ingress |
	some _, kinds in object.get(data.inventory, ["namespace", ns], {})
	some name, ingress in object.get(kinds, "Ingress", {})
	is_object(ingress)
}

# Paths in an Ingress to each backend naming Service `service`.
ingress_backend_paths(ingress, service) := {path |
	some path in ingress_backends(ingress)
	backend := object.get(ingress, path, {})
	is_object(backend)
	backend_service_name(backend) == service
}

ingress_backends(ingress) := {["spec", "defaultBackend"], ["spec", "backend"]} | {path |
	rules := object.get(ingress, ["spec", "rules"], [])
	is_array(rules)
	some i, rule in rules
	is_object(rule)
	paths := object.get(rule, ["http", "paths"], [])
	is_array(paths)
	some j, item in paths
	is_object(item)
	path := ["spec", "rules", i, "http", "paths", j, "backend"]
}

backend_service_name(backend) := name if {
	name := object.get(backend, ["service", "name"], null)
	is_string(name)
} else := backend.serviceName

# [route namespace, kind, name, path of the backendRef] for every Gateway API route, in any
# namespace, whose backendRef names Service `service` of namespace `ns`.
route_backend_paths(ns, service) := {[route_ns, kind, name, path] |
	some route_ns, versions in data.inventory.namespace
	some version, kinds in versions
	startswith(version, "gateway.networking.k8s.io/")
	some kind in route_kinds
	some name, route in object.get(kinds, kind, {})
	rules := object.get(route, ["spec", "rules"], [])
	is_array(rules)
	some i, rule in rules
	is_object(rule)
	refs := object.get(rule, "backendRefs", [])
	is_array(refs)
	some j, ref in refs
	is_object(ref)
	object.get(ref, "kind", "Service") == "Service"
	object.get(ref, "group", "") == ""
	object.get(ref, "name", "") == service
	object.get(ref, "namespace", route_ns) == ns
	path := ["spec", "rules", i, "backendRefs", j]
}
