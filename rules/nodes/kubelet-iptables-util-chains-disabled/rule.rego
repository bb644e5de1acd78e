package kordon.kubelet_iptables_util_chains_disabled

import rego.v1

import data.lib.kordon.kubelet

flag := "make-iptables-util-chains"

field := ["makeIPTablesUtilChains"]

violation contains {"msg": msg, "details": kubelet.fix_details(source, flag, field, true, "--make-iptables-util-chains=true")} if {
	some source in kubelet.sources(input.review.object)
	kubelet.falsy(kubelet.effective(source, flag, field, true, "true"))
	msg := sprintf("%s does not keep its iptables utility chains (%s is false): pod networking rules can drift from what the kubelet expects", [source.label, kubelet.written(source, flag, field)])
}
