package kordon.apiserver_service_account_lookup_disabled

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "service-account-lookup", "--service-account-lookup=true")} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	value := cp.flag(entry, "service-account-lookup").value
	value != "true"
	msg := sprintf("kube-apiserver in container %q accepts tokens of deleted ServiceAccounts (--service-account-lookup=%s)", [entry.name, value])
}
