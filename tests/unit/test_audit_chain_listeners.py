"""The audit chain's session listeners are installed by the app factory, once."""
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session

from app import create_app
from app.services.audit_trail import audit_chain

TRANSACTION_ENDS = ("after_commit", "after_rollback", "after_soft_rollback")


def test_create_app_installs_the_chain_head_listeners(tmp_path):
    for name in TRANSACTION_ENDS:  # as if no app had been built in this process yet
        if event.contains(Session, name, audit_chain._forget_heads):
            event.remove(Session, name, audit_chain._forget_heads)
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'a.db'}"})
    create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'b.db'}"})
    assert all(event.contains(Session, name, audit_chain._forget_heads) for name in TRANSACTION_ENDS)
    with Session(create_engine("sqlite://")) as session:
        session.execute(text("SELECT 1"))
        session.info[audit_chain._HEADS] = {"case-1": (3, "abc")}
        session.rollback()
        assert audit_chain._HEADS not in session.info  # the next transaction reads the head again
