package kordon.kubelet_read_only_port_enabled

import rego.v1

violation contains {"msg": msg, "details": {"path": ["readOnlyPort"], "fix": [{"op": "replace", "path": ["readOnlyPort"], "value": 0}]}} if {
	port := object.get(input.review.object, "readOnlyPort", 0)
	is_number(port)
	port > 0
	msg := sprintf("the kubelet serves its API without authentication on read-only port %v", [port])
}
