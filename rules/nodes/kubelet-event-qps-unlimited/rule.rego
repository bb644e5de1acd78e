package kordon.kubelet_event_qps_unlimited

import rego.v1

import data.lib.kordon.kubelet

flag := "event-qps"

field := ["eventRecordQPS"]

minimum := object.get(input.parameters, "minimum", 0)

violation contains {"msg": msg, "details": {"path": kubelet.location(source, flag, field)}} if {
	some source in kubelet.sources(input.review.object)
	qps := kubelet.number(kubelet.effective(source, flag, field, 50, "50"))
	problem := judge(qps)
	msg := sprintf("%s %s (%s is %v)", [source.label, problem, kubelet.written(source, flag, field), qps])
}

judge(qps) := "creates events without any rate limit: a crash-looping pod can flood the API server and etcd" if qps == 0

judge(qps) := sprintf("records at most %v events a second, below the minimum of %v: security-relevant events can be dropped", [qps, minimum]) if {
	qps > 0
	qps < minimum
}

judge(qps) := "has a negative event rate, which the kubelet rejects" if qps < 0
