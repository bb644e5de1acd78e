package kordon.apiserver_anonymous_auth_enabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "anonymous-auth", "--anonymous-auth=false")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	not cp.has_flag(entry, "authentication-config")
	not cp.flag_is(entry, "anonymous-auth", "false")
	msg := sprintf("kube-apiserver in container %q accepts anonymous requests (--anonymous-auth is %s)", [entry.name, cp.describe(entry, "anonymous-auth", "true")])
}
