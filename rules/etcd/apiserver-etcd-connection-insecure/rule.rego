package kordon.apiserver_etcd_connection_insecure

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": {"path": f.path}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	f := cp.flag(entry, "etcd-servers")
	some url in cp.flag_list(entry, "etcd-servers")
	startswith(lower(url), "http://")
	msg := sprintf("kube-apiserver in container %q reaches etcd over plain HTTP (%s)", [entry.name, url])
}

violation contains {"msg": msg, "details": {"path": cp.flags_location(entry)}} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	missing := [sprintf("--%s", [name]) | some name in ["etcd-cafile", "etcd-certfile", "etcd-keyfile"]; not cp.has_flag(entry, name)]
	count(missing) > 0
	msg := sprintf("kube-apiserver in container %q sets no %s for its etcd connection", [entry.name, concat(", ", missing)])
}
