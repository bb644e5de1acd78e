package kordon.kubelet_protect_kernel_defaults_disabled

import rego.v1

import data.lib.kordon.kubelet

flag := "protect-kernel-defaults"

field := ["protectKernelDefaults"]

violation contains {"msg": msg, "details": kubelet.fix_details(source, flag, field, true, "--protect-kernel-defaults=true")} if {
	some source in kubelet.sources(input.review.object)
	value := kubelet.effective(source, flag, field, false, "false")
	not kubelet.truthy(value)
	msg := sprintf("%s silently rewrites kernel settings that differ from what it expects instead of refusing to start (%s is %s)", [source.label, kubelet.written(source, flag, field), shown(source)])
}

shown(source) := sprintf("%v", [kubelet.setting(source, flag, field).value]) if kubelet.is_set(source, flag, field)

shown(source) := "unset, so false" if not kubelet.is_set(source, flag, field)
