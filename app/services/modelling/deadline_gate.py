"""The deploy gate's checks of a diagram's deadline timers (the properties the deadline
policy reads; app/services/definitions/deadline_timers.py). Returns plain (message, element id)
pairs; app/services/modelling/deploy_gate.py makes them problems."""
import re

from flask_babel import lazy_gettext as _l

from app.services.casework.deadline_policy import parse_remind_before
from app.services.definitions.deadline_timers import ESCALATION_FORM, deadline_timers

_STEP = re.compile(r"^\d+[a-z]?\d*(–\d+)?$")


def check_deadline_timers(bpmn_xml: str, *, lanes: set[str], forms: dict) -> list[tuple[str, str | None]]:
    problems: list[tuple[str, str | None]] = []
    timers = deadline_timers(bpmn_xml)
    seen: dict[str, str] = {}
    for timer in timers:
        label = f"\u201c{timer.name or timer.element_id}\u201d ({timer.element_id})"
        if timer.attached_to in seen:
            problems.append((_l("Tugas %(task)s punya lebih dari satu timer batas waktu (%(first)s dan %(second)s). "
                                "Satu langkah punya satu waktu standar; pengingat dan eskalasi diatur kebijakan "
                                "batas waktu instansi.", task=timer.attached_name or timer.attached_to,
                                first=seen[timer.attached_to], second=timer.element_id), timer.element_id))
        seen[timer.attached_to] = timer.element_id
        for key in ("extend_role", "escalate_to"):
            lane = timer.properties.get(key)
            if lane and lane not in lanes:
                problems.append((_l("Timer %(timer)s: properti %(key)s \u201c%(lane)s\u201d bukan nama jalur (lane) "
                                    "diagram ini.", timer=label, key=key, lane=lane), timer.element_id))
        try:
            parse_remind_before(timer.properties.get("remind_before", "2"))
        except ValueError:
            problems.append((_l("Timer %(timer)s: remind_before \u201c%(value)s\u201d harus jumlah hari kerja (\u201c2\u201d) "
                                "atau durasi ISO (\u201cPT2H\u201d).", timer=label,
                                value=timer.properties.get("remind_before")), timer.element_id))
        if timer.properties.get("interrupt", "false") not in ("true", "false"):
            problems.append((_l("Timer %(timer)s: interrupt harus true atau false.", timer=label), timer.element_id))
        step = timer.properties.get("step")
        if step is not None and not _STEP.match(step):
            problems.append((_l("Timer %(timer)s: step \u201c%(step)s\u201d bukan nomor langkah SOP (mis. 6 atau 7a).",
                                timer=label, step=step), timer.element_id))
    if timers and ESCALATION_FORM not in forms:
        problems.append((_l("Formulir %(key)s (catatan eskalasi batas waktu) belum ada.", key=ESCALATION_FORM), None))
    return problems
