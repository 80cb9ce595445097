"""The staff's work lists. It owns the inbox of ready tasks with its tabs and keyset paging,
saved filters, a head assigning tasks to colleagues, and stray tasks nobody can pick up."""
