"""How a case reads to a person. It owns the documents and internal notes filed with a case,
recorded values and audit events as sentences, the SOP diagram with the path taken, the
printed and sealed case file, the JSON API's views, and mails rendered from templates."""
