package kordon.kubelet_anonymous_auth_enabled

import rego.v1

import data.lib.kordon.kubelet

path := ["authentication", "anonymous", "enabled"]

violation contains {"msg": "the kubelet accepts anonymous requests on its API (authentication.anonymous.enabled: true)", "details": details} if {
	input.review.object.kind == "KubeletConfiguration"
	object.get(input.review.object, path, false) == true
	details := {"path": path, "fix": [{"op": "replace", "path": path, "value": false}]}
}

# On the command line the default is the opposite of the file's: anonymous requests are on.
violation contains {"msg": msg, "details": kubelet.fix_details(source, "anonymous-auth", path, false, "--anonymous-auth=false")} if {
	some source in kubelet.flag_sources(input.review.object)
	kubelet.truthy(kubelet.effective(source, "anonymous-auth", path, false, "true"))
	msg := sprintf("%s accepts anonymous requests on its API (--anonymous-auth is %s)", [source.label, shown(source)])
}

shown(source) := sprintf("%q", [kubelet.setting(source, "anonymous-auth", path).value]) if kubelet.is_set(source, "anonymous-auth", path)

shown(source) := "unset, so true" if not kubelet.is_set(source, "anonymous-auth", path)
