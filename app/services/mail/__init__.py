"""Mail in both directions. Out: the notification outbox derived from the audit trail, its
delivery and the staff's daily digest. In: an organisation's mailbox fetched over IMAP,
stored, parsed, and threaded to its case by the reply headers or filed as a complaint."""
