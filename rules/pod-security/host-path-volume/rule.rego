package kordon.host_path_volume

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	some v in pods.volumes(input.review.object)
	host_path := v.volume.hostPath
	node_path := object.get(host_path, "path", "")
	not allowed(node_path)
	path := array.concat(v.path, ["hostPath", "path"])
	msg := sprintf("volume %q mounts the node's %q (hostPath), which is not an allowed host path", [object.get(v.volume, "name", ""), node_path])
}

allowed(node_path) if {
	some prefix in object.get(input.parameters, "allowedHostPaths", [])
	pods.path_within(node_path, prefix)
}
