package kordon.controller_manager_shared_credentials

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "use-service-account-credentials", "--use-service-account-credentials=true")} if {
	some entry in cp.component_containers(input.review.object, "kube-controller-manager")
	not cp.flag_is(entry, "use-service-account-credentials", "true")
	msg := sprintf("kube-controller-manager in container %q runs every controller with one identity (--use-service-account-credentials is %s)", [entry.name, cp.describe(entry, "use-service-account-credentials", "false")])
}
