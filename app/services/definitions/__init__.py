"""What a deployment runs, kept as data. It owns the deployed process versions (BPMN, DMN
and forms, immutable once deployed), the task forms and their field types, the deadline
timers a diagram declares, the case statuses with their words, and reference values."""
