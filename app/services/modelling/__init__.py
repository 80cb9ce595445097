"""The process owners' tools. It owns the deploy gate every diagram and decision table
passes (bpmnlint, deadline timers, agency data), the model editor that saves through it,
and the version history with its diffs, exports and rollbacks."""
