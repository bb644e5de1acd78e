package report.latest_tag

import rego.v1

pod_spec(obj) := ["spec"] if obj.kind == "Pod"

pod_spec(obj) := ["spec", "template", "spec"] if obj.kind == "Deployment"

unpinned(image) if endswith(image, ":latest")

unpinned(image) if {
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
}

violation contains {"msg": msg, "details": {"path": path}} if {
	obj := input.review.object
	base := pod_spec(obj)
	some i, c in object.get(obj, array.concat(base, ["containers"]), [])
	unpinned(c.image)
	path := array.concat(base, ["containers", i, "image"])
	msg := sprintf("image %q of container %q is not pinned", [c.image, c.name])
}
