"""What is read across many cases. It owns the case register with its search indexes and
exports, the SLA dashboard, and the half-yearly reports (figures, files, background jobs),
with the SQL aggregates they share."""
