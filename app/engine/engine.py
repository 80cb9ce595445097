"""Parsing, caching and (de)serialising workflows.

Storage layout: a process version stores its parsed spec once (`ParsedModels.spec_json`);
a case stores only its instance state, compressed. Loading joins the two again using the
spec objects cached per version, so no case carries a copy of its diagram.
"""
import json
import threading
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from uuid import UUID

from lxml import etree
from SpiffWorkflow.bpmn.parser.BpmnParser import full_tag
from SpiffWorkflow.bpmn.parser.ValidationException import ValidationException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.serializer.default.workflow import BpmnWorkflowConverter, WorkflowConverter
from SpiffWorkflow.bpmn.specs.mixins.events.start_event import StartEvent
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
from SpiffWorkflow.camunda.parser.event_parsers import (
    CamundaBoundaryEventParser,
    CamundaEndEventParser,
    CamundaIntermediateCatchEventParser,
    CamundaIntermediateThrowEventParser,
    CamundaStartEventParser,
)
from SpiffWorkflow.camunda.parser.task_spec import CamundaTaskParser
from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
from SpiffWorkflow.exceptions import SpiffWorkflowException

from app.engine.errors import ModelError
from app.engine.instance import WorkflowInstance
from app.engine.sandbox import SandboxEnvironment
from app.engine.scripts import WorkingCalendar, script_functions
from app.xml_safety import MalformedXml, UnsafeXml, parse_untrusted_xml


def parse_model_xml(text: str, *, filename: str) -> etree._Element:
    """Parse a BPMN or DMN document, refusing DOCTYPEs (entity bombs, external entities):
    models arrive from process owners' uploads (app/xml_safety.py)."""
    try:
        return parse_untrusted_xml(text)
    except UnsafeXml:
        raise ModelError(f"{filename}: berkas memuat DOCTYPE/ENTITY; tidak diizinkan.") from None
    except MalformedXml as exc:
        raise ModelError(f"{filename}: XML tidak valid ({exc}).") from exc


class _EventPropertiesMixin:
    # Camunda's own parser reads camunda:properties on tasks only; Dumas also puts a
    # case `status` on end events, so events get the same reading.
    parse_extensions = CamundaTaskParser.parse_extensions


def _with_properties(parser_class):
    return type(f"Dumas{parser_class.__name__}", (_EventPropertiesMixin, parser_class), {})


class DumasParser(CamundaParser):
    OVERRIDE_PARSER_CLASSES = dict(CamundaParser.OVERRIDE_PARSER_CLASSES)
    for _tag, _parser in (
        ("startEvent", CamundaStartEventParser),
        ("endEvent", CamundaEndEventParser),
        ("intermediateCatchEvent", CamundaIntermediateCatchEventParser),
        ("intermediateThrowEvent", CamundaIntermediateThrowEventParser),
        ("boundaryEvent", CamundaBoundaryEventParser),
    ):
        OVERRIDE_PARSER_CLASSES[full_tag(_tag)] = (
            _with_properties(_parser),
            CamundaParser.OVERRIDE_PARSER_CLASSES[full_tag(_tag)][1],
        )


class InstanceOnlyWorkflowConverter(BpmnWorkflowConverter):
    """Writes a workflow without its spec and restores it onto a spec given by the caller."""

    def to_dict(self, workflow):
        # BpmnWorkflowConverter.to_dict without its first work, serialising the spec
        # (most of a dump's time) only to be dropped: the same keys as before.
        dct = WorkflowConverter.to_dict(self, workflow)
        dct["subprocesses"] = self.mapping_to_dict(workflow.subprocesses)
        dct["bpmn_events"] = self.registry.convert(workflow.bpmn_events)
        return dct

    def from_dict(self, dct, spec=None, subprocess_specs=None):
        workflow = self.target_class(spec, subprocess_specs, deserializing=True)
        workflow.tasks = self.mapping_from_dict(dct["tasks"], UUID, workflow=workflow)
        workflow.task_tree = workflow.tasks.get(UUID(dct["root"]))
        self.set_default_attributes(workflow, dct)
        self.subprocesses_from_dict(dct["subprocesses"], workflow)
        workflow.bpmn_events = self.registry.restore(dct.pop("bpmn_events", []))
        return workflow


@dataclass(frozen=True)
class ParsedModels:
    """What deploying a diagram produces: the spec, serialised, and facts the gate checks."""

    spec_json: bytes
    process_name: str
    lanes: tuple[str, ...]
    # Lanes holding a task routed to one organisation unit (a `unit_variable` property).
    unit_scoped_lanes: tuple[str, ...]
    # The lanes of the start events: who starts a case (a complainant lane, or staff).
    start_lanes: tuple[str, ...]
    form_keys: tuple[str, ...]


class ProcessEngine:
    """Owns the parser, the serializer, the script environment and the spec cache."""

    def __init__(self, functions: dict | None = None):
        config = dict(CAMUNDA_CONFIG)
        config[BpmnWorkflow] = InstanceOnlyWorkflowConverter
        self._registry = BpmnWorkflowSerializer.configure(config)
        self._serializer = BpmnWorkflowSerializer(self._registry)
        self._script_engine = PythonScriptEngine(
            environment=SandboxEnvironment(functions if functions is not None else script_functions())
        )
        self._specs: dict[object, tuple] = {}
        self._lock = threading.Lock()

    # -- deploying ---------------------------------------------------------------

    def parse(self, *, process_id: str, bpmn_xml: str, decision_files: dict[str, str]) -> ParsedModels:
        parser = DumasParser()
        try:
            for filename, dmn_xml in sorted(decision_files.items()):
                parser.add_dmn_xml(parse_model_xml(dmn_xml, filename=filename), filename=filename)
            parser.add_bpmn_xml(parse_model_xml(bpmn_xml, filename=f"{process_id}.bpmn"), filename=f"{process_id}.bpmn")
            spec = parser.get_spec(process_id)
            subprocess_specs = parser.get_subprocess_specs(process_id)
        except ModelError:
            raise
        except ValidationException as exc:
            raise ModelError(f"Model tidak dapat dibaca mesin: {exc}") from exc
        except (SpiffWorkflowException, KeyError, ValueError) as exc:
            raise ModelError(f"Model tidak dapat dibaca mesin: {exc!r}") from exc
        spec_dict = {
            "spec": self._registry.convert(spec),
            "subprocess_specs": {name: self._registry.convert(s) for name, s in subprocess_specs.items()},
        }
        task_specs = list(spec.task_specs.values())
        return ParsedModels(
            spec_json=json.dumps(spec_dict).encode("utf-8"),
            process_name=spec.description or process_id,
            lanes=tuple(sorted({t.lane for t in task_specs if getattr(t, "lane", None)})),
            unit_scoped_lanes=tuple(
                sorted({t.lane for t in task_specs if t.lane and (getattr(t, "extensions", None) or {}).get("unit_variable")})
            ),
            form_keys=tuple(sorted({t.form.key for t in task_specs if getattr(getattr(t, "form", None), "key", None)})),
            start_lanes=tuple(sorted({t.lane for t in task_specs if isinstance(t, StartEvent) and t.lane})),
        )

    # -- running -------------------------------------------------------------------

    def _specs_for(self, cache_key, load_spec: Callable[[], bytes]) -> tuple:
        """Restore a version's spec objects once; versions are immutable, so is the cache.
        `load_spec` is called only on a miss, so the stored spec is not even read then."""
        specs = self._specs.get(cache_key)
        if specs is None:
            dct = json.loads(load_spec())
            specs = (
                self._registry.restore(dct["spec"]),
                {name: self._registry.restore(s) for name, s in dct["subprocess_specs"].items()},
            )
            with self._lock:
                self._specs.setdefault(cache_key, specs)
        return specs

    def _script_engine_for(self, calendar: WorkingCalendar | None) -> PythonScriptEngine:
        """The shared environment, or one bound to an organisation's working calendar."""
        if calendar is None:
            return self._script_engine
        return PythonScriptEngine(environment=SandboxEnvironment(script_functions(calendar)))

    def start(
        self, *, cache_key, load_spec: Callable[[], bytes], calendar: WorkingCalendar | None = None
    ) -> WorkflowInstance:
        spec, subprocess_specs = self._specs_for(cache_key, load_spec)
        workflow = BpmnWorkflow(spec, subprocess_specs, script_engine=self._script_engine_for(calendar))
        return WorkflowInstance(workflow)

    def load(
        self, *, cache_key, load_spec: Callable[[], bytes], state: bytes, calendar: WorkingCalendar | None = None
    ) -> WorkflowInstance:
        spec, subprocess_specs = self._specs_for(cache_key, load_spec)
        dct = json.loads(zlib.decompress(state))
        self._serializer.migrate(dct)
        workflow = self._registry.restore(dct, spec=spec, subprocess_specs=subprocess_specs)
        workflow.script_engine = self._script_engine_for(calendar)
        return WorkflowInstance(workflow)

    def dump(self, instance: WorkflowInstance) -> bytes:
        """The instance state alone, as zlib-compressed JSON."""
        return zlib.compress(self._serializer.serialize_json(instance.workflow).encode("utf-8"), 6)


_CAMUNDA = "{http://camunda.org/schema/1.0/bpmn}"


def decision_refs(bpmn_xml: str) -> set[str]:
    """The decision ids a diagram's business rule tasks name (camunda:decisionRef)."""
    root = parse_model_xml(bpmn_xml, filename="bpmn")
    return {ref for el in root.iter() if (ref := el.get(f"{_CAMUNDA}decisionRef"))}


def decision_ids(dmn_xml: str, *, filename: str) -> set[str]:
    root = parse_model_xml(dmn_xml, filename=filename)
    return {el.get("id", "") for el in root.iter() if isinstance(el.tag, str) and el.tag.endswith("}decision")}
