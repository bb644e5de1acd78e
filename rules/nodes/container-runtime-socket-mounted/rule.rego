package kordon.container_runtime_socket_mounted

import rego.v1

import data.lib.kordon.pods

runtime_directories := {"/run", "/var/run", "/run/containerd", "/var/run/containerd", "/run/crio", "/var/run/crio", "/var/run/docker", "/run/docker", "/var/lib/docker", "/var/lib/containerd"}

runtime_names := ["docker", "containerd", "crio", "cri-dockerd", "podman"]

violation contains {"msg": msg, "details": {"path": path}} if {
	some v in pods.volumes(input.review.object)
	node_path := trim_right(object.get(v.volume.hostPath, "path", ""), "/")
	exposes_runtime(node_path)
	path := array.concat(v.path, ["hostPath", "path"])
	msg := sprintf("volume %q mounts %q, which gives the pod control of the node's container runtime", [object.get(v.volume, "name", ""), node_path])
}

exposes_runtime(p) if p in runtime_directories

exposes_runtime(p) if {
	endswith(p, ".sock")
	some name in runtime_names
	contains(p, name)
}
