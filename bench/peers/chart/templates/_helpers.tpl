{{/* Full label set. Argument: dict root cluster role. */}}
{{- define "kafka.labels" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .cluster.name }}
app.kubernetes.io/component: {{ .role }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: {{ .root.Chart.Name }}
{{- with .cluster.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels: instance + component only. Argument: dict cluster role. */}}
{{- define "kafka.selector" -}}
app.kubernetes.io/instance: {{ .cluster.name }}
app.kubernetes.io/component: {{ .role }}
{{- end -}}

{{/* Pod identity env, shared by both roles. Argument: dict cluster role domain. */}}
{{- define "kafka.identityEnv" -}}
- name: CLUSTER_NAME
  value: {{ .cluster.name }}
- name: ROLE
  value: {{ .role }}
- name: POD_NAME
  valueFrom:
    fieldRef:
      apiVersion: v1
      fieldPath: metadata.name
- name: POD_ORDINAL
  valueFrom:
    fieldRef:
      apiVersion: v1
      fieldPath: metadata.labels['apps.kubernetes.io/pod-index']
- name: MEMBER_FQDN
  value: $(POD_NAME).{{ .cluster.name }}-{{ .role }}.{{ .cluster.namespace }}.svc.{{ .domain }}
{{- end -}}

{{/* Pod and container hardening, shared by both roles. */}}
{{- define "kafka.podSecurity" -}}
runAsNonRoot: true
runAsUser: 1000
seccompProfile:
  type: RuntimeDefault
{{- end -}}
{{- define "kafka.containerSecurity" -}}
allowPrivilegeEscalation: false
capabilities:
  drop:
    - ALL
readOnlyRootFilesystem: false
runAsNonRoot: true
{{- end -}}
