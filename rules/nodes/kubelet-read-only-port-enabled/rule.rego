package kordon.kubelet_read_only_port_enabled

import rego.v1

import data.lib.kordon.kubelet

violation contains {"msg": msg, "details": {"path": ["readOnlyPort"], "fix": [{"op": "replace", "path": ["readOnlyPort"], "value": 0}]}} if {
	input.review.object.kind == "KubeletConfiguration"
	port := object.get(input.review.object, "readOnlyPort", 0)
	is_number(port)
	port > 0
	msg := sprintf("the kubelet serves its API without authentication on read-only port %v", [port])
}

# On the command line the default is the opposite of the file's: the port is 10255.
violation contains {"msg": msg, "details": kubelet.fix_details(source, "read-only-port", ["readOnlyPort"], 0, "--read-only-port=0")} if {
	some source in kubelet.flag_sources(input.review.object)
	port := kubelet.number(kubelet.effective(source, "read-only-port", ["readOnlyPort"], 0, "10255"))
	port > 0
	msg := sprintf("%s serves its API without authentication on read-only port %v", [source.label, port])
}
