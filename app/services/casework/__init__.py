"""A case's workflow from start to close. It owns starting a case, claiming and completing
its tasks, loading and saving the engine's state with the task and timer indexes, what
happens around a step (records, forwards, confidentiality), the deadline policy's
reminders and escalations, and the timers and messages that move a case without a form."""
