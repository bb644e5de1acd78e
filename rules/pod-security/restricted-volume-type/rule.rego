package kordon.restricted_volume_type

import rego.v1

import data.lib.kordon.pods

allowed_types := {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}

# hostPath has its own rule with an allow-list parameter.
left_to_other_rules := {"hostPath"}

violation contains {"msg": msg, "details": {"path": path}} if {
	some v in pods.volumes(input.review.object)
	some volume_type, _ in v.volume
	volume_type != "name"
	not volume_type in allowed_types
	not volume_type in left_to_other_rules
	path := array.concat(v.path, [volume_type])
	msg := sprintf("volume %q is of type %s, which the restricted level does not allow", [object.get(v.volume, "name", ""), volume_type])
}
