# Parsing container image references: registry, repository, tag and digest.
package lib.kordon.images

import rego.v1

# {"registry", "repository", "tag", "digest"} of an image reference. Docker Hub images without a
# registry get "docker.io". The first path component is a registry when it has a dot or a port,
# or is "localhost"; a tag follows the last colon that has no slash after it; a digest follows
# "@". One regular expression says all of it: every container of every workload is parsed, and
# a chain of small helper functions cost several times more.
image_pattern := `^(?:((?:[^/@]*[.:][^/@]*)|localhost)/)?([^@]+?)(?::([^:/@]*))?(?:@(.*))?$`

parse(image) := {"registry": registry, "repository": m[2], "tag": m[3], "digest": m[4]} if {
	[m] := regex.find_all_string_submatch_n(image_pattern, image, 1)
	registry := {true: m[1], false: "docker.io"}[m[1] != ""]
}

# Whether the image is pinned by a well-formed content digest: `sha256:` and 64, or `sha512:` and
# 128, lower-case hex digits, as the OCI image spec registers them. `@sha256:abc` or upper-case hex
# pins nothing: the runtime refuses the reference rather than pulling fixed content.
pinned(image) if regex.match(`^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$`, parse(image).digest)

# The tag kubelet would pull: the written tag, or "latest" when neither tag nor digest is given.
effective_tag(image) := "latest" if {
	ref := parse(image)
	ref.tag == ""
	ref.digest == ""
} else := parse(image).tag

# Whether `image` comes from `allowed`: a registry host ("ghcr.io"), or a prefix of the full
# reference ending in "/" ("registry.example.com/team/"). Docker Hub images count as "docker.io".
from_registry(image, allowed) if {
	not contains(allowed, "/")
	parse(image).registry == allowed
}

from_registry(image, allowed) if {
	contains(allowed, "/")
	ref := parse(image)
	full := concat("/", [ref.registry, ref.repository])
	prefix := trim_right(allowed, "/")
	startswith(full, concat("", [prefix, "/"]))
}

# Whether the reference is a placeholder filled in later (`$IMAGE`, `${TAG}`, `{{ .image }}`,
# `<your-image>`, `REGION-docker.pkg.dev/PROJECT_ID/...`) rather than an image: shell and template
# syntax, or upper case, which image references never contain outside the tag and digest.
placeholder(image) if contains(image, "$")

placeholder(image) if contains(image, "{")

placeholder(image) if contains(image, "<")

placeholder(image) if {
	ref := parse(image)
	name := concat("/", [ref.registry, ref.repository])
	name != lower(name)
}
