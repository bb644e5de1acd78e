package kordon.etcd_ca_shared_with_cluster

import rego.v1

import data.lib.kordon.control_plane as cp

# Only file paths can be compared: two paths holding the same certificate are not caught, the
# same path always means the same CA.
violation contains {"msg": msg, "details": {"path": ca.path}} if {
	some entry in cp.component_containers(input.review.object, "etcd")
	ca := cp.flag(entry, "trusted-ca-file")
	ca.value != ""
	some server in api_servers_trusting(ca.value)
	msg := sprintf("etcd in container %q trusts the CA the API server of pod %q trusts for its clients (%s): every certificate that CA signs for the cluster can connect to etcd", [entry.name, server, ca.value])
}

# The names of the scanned API server pods whose --client-ca-file is `file`.
api_servers_trusting(file) := {name |
	some ns, versions in data.inventory.namespace
	some pod in object.get(object.get(versions, "v1", {}), "Pod", {})
	is_object(pod)
	some server in cp.component_containers(pod, "kube-apiserver")
	cp.flag_is(server, "client-ca-file", file)
	name := sprintf("%s/%s", [ns, object.get(pod, ["metadata", "name"], "")])
}
