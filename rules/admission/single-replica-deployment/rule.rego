package kordon.single_replica_deployment

import rego.v1

violation contains {"msg": msg, "details": {"path": ["spec", "replicas"]}} if {
	input.review.object.spec.replicas == 1
	msg := sprintf("%s runs a single replica: any restart, drain or eviction is an outage", [input.review.object.kind])
}
