package kordon.service_public_load_balancer

import rego.v1

# Annotations by which cloud providers make a load balancer internal, with the value that does.
internal_annotations := {
	"service.beta.kubernetes.io/aws-load-balancer-internal": {"true", "0.0.0.0/0"},
	"service.beta.kubernetes.io/aws-load-balancer-scheme": {"internal"},
	"service.beta.kubernetes.io/azure-load-balancer-internal": {"true"},
	"networking.gke.io/load-balancer-type": {"internal"},
	"cloud.google.com/load-balancer-type": {"internal"},
	"service.beta.kubernetes.io/oci-load-balancer-internal": {"true"},
}

violation contains {"msg": msg, "details": {"path": ["spec", "type"]}} if {
	obj := input.review.object
	obj.spec.type == "LoadBalancer"
	count(object.get(obj.spec, "loadBalancerSourceRanges", [])) == 0
	not internal(obj)
	not exempt(obj)
	ports := [p.port | some p in object.get(obj.spec, "ports", [])]
	msg := sprintf("Service %q is a LoadBalancer open to every source address on ports %v", [object.get(obj, ["metadata", "name"], ""), ports])
}

internal(obj) if {
	some name, values in internal_annotations
	value := object.get(obj, ["metadata", "annotations", name], "")
	lower(sprintf("%v", [value])) in values
}

exempt(obj) if object.get(obj, ["metadata", "namespace"], "default") in object.get(input.parameters, "exemptNamespaces", [])

exempt(obj) if {
	key := sprintf("%s/%s", [object.get(obj, ["metadata", "namespace"], "default"), object.get(obj, ["metadata", "name"], "")])
	key in object.get(input.parameters, "exemptServices", [])
}
