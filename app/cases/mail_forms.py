"""The officer's form for a mailed complaint: the citizen's complaint form; the
channel is "email" and the message itself is the evidence, so no letter and no uploads."""
from app.public.forms import ComplaintForm


class MailComplaintForm(ComplaintForm):
    pass
