package kordon.host_path_writable

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": details} if {
	obj := input.review.object
	host_volumes := {v.volume.name: object.get(v.volume.hostPath, "path", "") | some v in pods.volumes(obj); v.volume.hostPath}
	some entry in pods.containers(obj)
	some j, mount in object.get(entry.container, "volumeMounts", [])
	node_path := host_volumes[mount.name]
	object.get(mount, "readOnly", false) != true
	mount_path := array.concat(entry.path, ["volumeMounts", j])
	msg := sprintf("container %q mounts the node's %q (volume %q) writable", [entry.name, node_path, mount.name])
	details := {
		"path": array.concat(mount_path, ["readOnly"]),
		"fix": [pods.set_op(mount, mount_path, ["readOnly"], true)],
	}
}
