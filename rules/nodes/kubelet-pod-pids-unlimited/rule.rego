package kordon.kubelet_pod_pids_unlimited

import rego.v1

import data.lib.kordon.kubelet

flag := "pod-max-pids"

field := ["podPidsLimit"]

violation contains {"msg": msg, "details": {"path": kubelet.location(source, flag, field)}} if {
	some source in kubelet.sources(input.review.object)
	limit := kubelet.number(kubelet.effective(source, flag, field, -1, "-1"))
	limit <= 0
	msg := sprintf("%s sets no limit on processes per pod (%s is %s): one pod can fork-bomb the node", [source.label, kubelet.written(source, flag, field), shown(source)])
}

shown(source) := sprintf("%v", [kubelet.setting(source, flag, field).value]) if kubelet.is_set(source, flag, field)

shown(source) := "unset, so -1" if not kubelet.is_set(source, flag, field)
