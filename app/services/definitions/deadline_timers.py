"""The deadline timers a diagram declares, read from its XML (no engine needed).

A step's standard time is one non-interrupting boundary timer on the step's task,
labelled with the SOP's words ("14 hari kerja"), whose `camunda:properties` say what the
deadline policy (app/services/casework/deadline_policy.py) needs:

| property | meaning |
|---|---|
| `deadline` = `true` | this timer is the task's due time |
| `step` | the SOP step it is the time of ("6", "7a") |
| `extend_role` | the lane whose members may extend it ("kecuali ada alasan yang dapat diterima") |
| `escalate_to` | the lane a passed deadline is escalated to (default: `extend_role`) |
| `remind_before` | the reminder's lead: working days ("2") or an ISO duration ("PT2H"); "0" none |
| `interrupt` | `true`: when it passes, the task is taken from its lane to `escalate_to` |

Reminders and escalations are not drawn; the organisation's settings may override the
last three per organisation or per timer. A deadline timer with neither `step` nor
`remind_before` belongs to an older diagram that draws its own reminder and escalation: the
policy leaves it alone.
"""
from dataclasses import dataclass, field
from xml.etree import ElementTree

BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"
ESCALATION_FORM = "eskalasi_tenggat"


@dataclass(frozen=True)
class DeadlineTimer:
    element_id: str
    name: str
    attached_to: str
    attached_name: str
    interrupting: bool
    expression: str
    properties: dict = field(default_factory=dict)

    @property
    def under_policy(self) -> bool:
        """Declared in the policy's convention (not an older diagram drawing its own)."""
        return "remind_before" in self.properties or "step" in self.properties

    @property
    def escalate_to(self) -> str | None:
        return self.properties.get("escalate_to") or self.properties.get("extend_role")


def element_properties(element) -> dict:
    return {prop.get("name"): prop.get("value", "")
            for prop in element.iter(f"{CAMUNDA}property") if prop.get("name")}


def deadline_timers(bpmn_xml: str | bytes) -> list[DeadlineTimer]:
    """Every boundary timer marked `deadline` in the diagram, in document order. The XML
    passed the deploy gate or is the shipped file (no DOCTYPE), so ElementTree is safe."""
    root = ElementTree.fromstring(bpmn_xml)
    names = {e.get("id"): e.get("name") or "" for e in root.iter() if e.get("id")}
    timers = []
    for event in root.iter(f"{BPMN}boundaryEvent"):
        definition = event.find(f"{BPMN}timerEventDefinition")
        props = element_properties(event)
        if definition is None or props.get("deadline") != "true":
            continue
        expression = next((child.text or "" for child in definition), "").strip()
        attached = event.get("attachedToRef") or ""
        timers.append(DeadlineTimer(
            element_id=event.get("id") or "", name=event.get("name") or "", attached_to=attached,
            attached_name=names.get(attached, ""), interrupting=event.get("cancelActivity", "true") != "false",
            expression=expression, properties=props))
    return timers
