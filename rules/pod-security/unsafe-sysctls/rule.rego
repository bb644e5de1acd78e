package kordon.unsafe_sysctls

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": path}} if {
	allowed := {s | some s in object.get(input.parameters, "allowedSysctls", [])}
	pod := pods.pod_spec_entry(input.review.object)
	some i, sysctl in object.get(pod.spec, ["securityContext", "sysctls"], [])
	name := object.get(sysctl, "name", "")
	not name in allowed
	path := array.concat(pod.path, ["securityContext", "sysctls", i, "name"])
	msg := sprintf("the pod sets the sysctl %q, which is outside the safe set and can affect the whole node", [name])
}
