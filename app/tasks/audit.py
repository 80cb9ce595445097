from celery import shared_task

from app.extensions import db
from app.services.audit_trail.audit_seals import PERIODIC, seal_chains


@shared_task(ignore_result=True)
def seal_audit_chains() -> int | None:
    """Run by beat every DUMAS_AUDIT_SEAL_SECONDS: seal the chains that changed."""
    try:
        seal = seal_chains(reason=PERIODIC)
        return seal.id if seal else None
    finally:
        db.session.remove()
