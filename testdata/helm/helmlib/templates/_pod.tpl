{{- define "helmlib.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
{{- define "helmlib.sidecar" -}}
- name: sidecar
  image: busybox:1.36
  securityContext:
    privileged: true
{{- end }}
