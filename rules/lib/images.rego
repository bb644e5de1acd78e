# Parsing container image references: registry, repository, tag and digest.
package lib.kordon.images

import rego.v1

# {"registry", "repository", "tag", "digest"} of an image reference. Docker Hub images without a
# registry get "docker.io".
parse(image) := result if {
	[name_tag, digest] := split_digest(image)
	[name, tag] := split_tag(name_tag)
	[registry, repository] := split_registry(name)
	result := {"registry": registry, "repository": repository, "tag": tag, "digest": digest}
}

split_digest(image) := [parts[0], parts[1]] if {
	contains(image, "@")
	parts := split(image, "@")
}

split_digest(image) := [image, ""] if not contains(image, "@")

# A tag follows the last colon, unless that colon belongs to a registry port (a slash after it).
split_tag(name) := [substring(name, 0, i), substring(name, i + 1, -1)] if {
	i := last_index(name, ":")
	i >= 0
	not contains(substring(name, i + 1, -1), "/")
}

split_tag(name) := [name, ""] if {
	i := last_index(name, ":")
	i >= 0
	contains(substring(name, i + 1, -1), "/")
}

split_tag(name) := [name, ""] if not contains(name, ":")

last_index(s, ch) := i if {
	indices := indexof_n(s, ch)
	count(indices) > 0
	i := max(indices)
}

last_index(s, ch) := -1 if count(indexof_n(s, ch)) == 0

# The first path component is a registry when it has a dot or a port, or is "localhost".
split_registry(name) := [first, rest] if {
	parts := split(name, "/")
	count(parts) > 1
	first := parts[0]
	registry_like(first)
	rest := concat("/", array.slice(parts, 1, count(parts)))
}

split_registry(name) := ["docker.io", name] if {
	parts := split(name, "/")
	not registry_like_first(parts)
}

registry_like_first(parts) if {
	count(parts) > 1
	registry_like(parts[0])
}

registry_like(s) if contains(s, ".")

registry_like(s) if contains(s, ":")

registry_like(s) if s == "localhost"

# Whether the image is pinned by content digest (`name@sha256:...`).
pinned(image) if parse(image).digest != ""

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
