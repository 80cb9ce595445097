"""Models are uploaded by people: hostile XML must be refused before any parser runs."""
import pytest

from app.engine import ModelError, ProcessEngine

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">&lol2;</bpmn:process></bpmn:definitions>"""

EXTERNAL = """<?xml version="1.0"?>
<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="p">&xxe;</bpmn:process></bpmn:definitions>"""


@pytest.mark.parametrize("xml", [BOMB, EXTERNAL], ids=["entity-bomb", "external-entity"])
def test_doctype_is_refused(xml):
    with pytest.raises(ModelError, match="DOCTYPE"):
        ProcessEngine().parse(process_id="p", bpmn_xml=xml, decision_files={})


def test_a_diagram_without_the_process_names_the_problem():
    xml = '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"><bpmn:process id="lain" isExecutable="true"/></bpmn:definitions>'
    with pytest.raises(ModelError, match="tidak dapat dibaca"):
        ProcessEngine().parse(process_id="p", bpmn_xml=xml, decision_files={})
