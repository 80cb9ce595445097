"""The audit trail: every use case records what it did here, inside its own transaction.
It owns the append-only events, the hash chains that make them tamper-evident, and the
seals that stop a chain from being shortened, removed or rewritten unseen."""
