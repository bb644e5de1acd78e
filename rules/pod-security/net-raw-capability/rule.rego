package kordon.net_raw_capability

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": cap.path}} if {
	some entry in pods.containers(input.review.object)
	some cap in pods.added_capabilities(entry)
	cap.name == "NET_RAW"
	msg := sprintf("container %q adds NET_RAW, so it can craft and spoof packets on the pod network", [entry.name])
}
