package kordon.apiserver_request_timeout_long

import rego.v1

import data.lib.kordon.control_plane as cp

violation contains {"msg": msg, "details": cp.flag_details(entry, "request-timeout", sprintf("--request-timeout=%ds", [limit]))} if {
	some entry in cp.component_containers(input.review.object, "kube-apiserver")
	value := cp.flag(entry, "request-timeout").value
	seconds := cp.duration_seconds(value)
	too_long(seconds)
	msg := sprintf("kube-apiserver in container %q keeps requests open for %s (--request-timeout=%s), more than %ds: slow clients can hold its connections", [entry.name, describe(seconds), value, limit])
}

limit := object.get(input.parameters, "maxSeconds", 300)

too_long(seconds) if seconds > limit

too_long(seconds) if seconds == 0

describe(0) := "ever"

describe(seconds) := sprintf("%vs", [seconds]) if seconds != 0
