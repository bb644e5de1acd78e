package kordon.ingress_nginx_vulnerable_version

import rego.v1

import data.lib.kordon.images
import data.lib.kordon.pods

# Controller images of the project, current and historical.
controller_repository(repository) if endswith(repository, "ingress-nginx/controller")

controller_repository(repository) if endswith(repository, "ingress-nginx/controller-chroot")

controller_repository(repository) if endswith(repository, "kubernetes-ingress-controller/nginx-ingress-controller")

violation contains {"msg": msg, "details": {"path": array.concat(entry.path, ["image"])}} if {
	some entry in pods.containers(input.review.object)
	image := object.get(entry.container, "image", "")
	is_string(image)
	reference := images.parse(image)
	controller_repository(reference.repository)
	version := parse_version(reference.tag)
	flaws := [flaw | some flaw in known_flaws; affected(version, flaw)]
	count(flaws) > 0
	msg := sprintf("container %q runs ingress-nginx controller %s, affected by %s", [entry.name, reference.tag, concat("; ", [f.text | some f in flaws])])
}

# [major, minor, patch] of "v1.11.3" or "1.11.3"; undefined for other tags.
parse_version(tag) := [to_number(m[1]), to_number(m[2]), to_number(m[3])] if {
	[m] := regex.find_all_string_submatch_n(`^v?([0-9]+)\.([0-9]+)\.([0-9]+)`, tag, 1)
}

# Each flaw: versions before `fixed` are affected, except the releases in `also_fixed` lines
# (a fix backported to a minor release: [minor, patch] from which that line is fixed).
known_flaws := [
	{
		"text": "IngressNightmare (CVE-2025-1974, unauthenticated code execution through the admission webhook, with CVE-2025-1097, CVE-2025-1098, CVE-2025-24514)",
		"fixed": [1, 12, 1],
		"also_fixed": [[1, 11, 5]],
	},
	{
		"text": "snippet annotations allowed by default (CVE-2021-25742)",
		"fixed": [1, 9, 0],
		"also_fixed": [],
	},
]

affected(version, flaw) if {
	older(version, flaw.fixed)
	not backported(version, flaw)
}

backported(version, flaw) if {
	some line in flaw.also_fixed
	version[0] == line[0]
	version[1] == line[1]
	not older(version, line)
}

older(a, b) if a[0] < b[0]

older(a, b) if {
	a[0] == b[0]
	a[1] < b[1]
}

older(a, b) if {
	a[0] == b[0]
	a[1] == b[1]
	a[2] < b[2]
}
