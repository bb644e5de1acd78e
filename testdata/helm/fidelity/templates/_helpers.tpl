{{/* The agent's pod, shared by the DaemonSet and, in other charts, a Deployment. */}}
{{- define "fidelity.pod" -}}
hostNetwork: true
containers:
  - name: agent
    image: busybox:1.36
    securityContext:
      {{- toYaml .Values.agent.securityContext | nindent 6 }}
{{- end }}
