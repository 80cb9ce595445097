"""Complaints coming in, and the complainant's side of a case. It owns filing on the web,
through the API and offline, access codes and upload names, the public endpoints' abuse
resistance, the tracking page, and the complainant's replies, ratings and objections."""
