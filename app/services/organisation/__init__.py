"""Agencies, their units and their staff. It owns accounts and roles, who heads an
organisation's work, who acts for whom (Plt. delegations), who may see and work on which
case and whose identity; and each agency's working-day calendar, process owner's settings
and signatory."""
