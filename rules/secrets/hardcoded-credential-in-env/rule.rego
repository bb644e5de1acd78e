package kordon.hardcoded_credential_in_env

import rego.v1

import data.lib.kordon.credentials
import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["env", i, "value"])}} if {
	extra := {upper(w) | some w in object.get(input.parameters, "extraNameWords", [])}
	some entry in pods.containers(input.review.object)
	some i, env in object.get(entry.container, "env", [])
	is_string(env.value)
	not env.name in object.get(input.parameters, "allowedNames", [])
	reason := credentials.suspicious(env.name, env.value, extra)
	msg := sprintf("container %q sets %s to a literal value that %s; take it from a Secret instead", [entry.name, env.name, reason])
}
