package kordon.windows_host_process

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	pod := pods.pod_spec_entry(input.review.object)
	object.get(pod.spec, ["securityContext", "windowsOptions", "hostProcess"], false) == true
	path := array.concat(pod.path, ["securityContext", "windowsOptions", "hostProcess"])
	msg := "the pod runs its Windows containers as HostProcess containers, outside container isolation"
}

violation contains {"msg": msg, "details": {"path": path}} if {
	some entry in pods.containers(input.review.object)
	object.get(entry.container, ["securityContext", "windowsOptions", "hostProcess"], false) == true
	path := array.concat(entry.path, ["securityContext", "windowsOptions", "hostProcess"])
	msg := sprintf("container %q runs as a Windows HostProcess container, outside container isolation", [entry.name])
}
