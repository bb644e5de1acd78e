package kordon.secret_as_env_var

import rego.v1

import data.lib.kordon.pods

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["env", i, "valueFrom", "secretKeyRef"])}} if {
	some entry in pods.containers(input.review.object)
	some i, env in object.get(entry.container, "env", [])
	ref := env.valueFrom.secretKeyRef
	msg := sprintf("container %q reads Secret %q key %q into environment variable %s; prefer mounting it as a file", [entry.name, object.get(ref, "name", ""), object.get(ref, "key", ""), env.name])
}

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["envFrom", i, "secretRef"])}} if {
	some entry in pods.containers(input.review.object)
	some i, source in object.get(entry.container, "envFrom", [])
	ref := source.secretRef
	msg := sprintf("container %q imports every key of Secret %q as environment variables; prefer mounting it as a file", [entry.name, object.get(ref, "name", "")])
}
