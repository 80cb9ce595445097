"""Benchmark: one SOP 000 step, bare SpiffWorkflow against the Dumas service layer.

Prints figures, asserts nothing. Measures in one run:
  1. bare SpiffWorkflow: load (the default dump, spec included) -> complete the review
     task -> engine steps (DMN, gateway) -> dump;
  2. the same step through app.services.casework.cases.complete_task on SQLite and on
     PostgreSQL: task index lookup, case load, form validation, engine, task/timer
     index sync, audit rows, commit;
  3. their ratio (wall time, and CPU time of this process), the statements sent per
     step, and the bytes stored per answered case.

    .venv/bin/python bench/engine_bench.py [--iterations 200] [--postgres-url URL]

SpiffWorkflow is imported here, outside app/engine, only to measure the bare library.
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import zlib
from pathlib import Path

from throwaway_db import throwaway_postgres

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = {"diterima_pada": "2026-01-05T08:00:00+00:00", "masa_keberatan_hari": 10, "jenis": "pengaduan"}
VERIFIED = {"lengkap": True, "lokasi_kasus": "Jakarta"}
REVIEW = {
    "inti_masalah": "Dugaan pungutan liar.", "peraturan_terkait": "PP 94/2021.", "memo": "Memo.",
    "logis": True, "berkadar_pengawasan": True, "kewenangan": True,
}
FOLLOW_UP = [
    {"kegiatan": ["klarifikasi"], "hasil_tindak_lanjut": "Terbukti."},
    {"bentuk_tindak_lanjut": "tanggapan_tertulis", "laporan_tindak_lanjut": "Dijawab tertulis."},
    {"ringkasan_untuk_pengadu": "Selesai."},
]


def _summary(samples_ms: list[float]) -> tuple[float, float]:
    samples = sorted(samples_ms)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


class _CpuClock:
    """This process's CPU time over the timed steps, in ms per step: what other load on a
    shared machine stretches far less than wall time (the database server's own work is
    not in it)."""

    def __init__(self):
        self.total = 0.0
        self.steps = 0

    def __enter__(self):
        self._started = time.process_time()

    def __exit__(self, *_):
        self.total += time.process_time() - self._started
        self.steps += 1

    @property
    def per_step_ms(self) -> float:
        return self.total / max(1, self.steps) * 1000


def bare_spiff(iterations: int) -> tuple[float, float, int]:
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
    from SpiffWorkflow.camunda.parser.CamundaParser import CamundaParser
    from SpiffWorkflow.camunda.serializer.config import CAMUNDA_CONFIG
    from SpiffWorkflow.util.task import TaskState

    parser = CamundaParser()
    parser.add_bpmn_file(str(ROOT / "bpmn" / "sop_000.bpmn"))
    parser.add_dmn_file(str(ROOT / "dmn" / "rute_000.dmn"))
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(CAMUNDA_CONFIG))

    def complete(workflow, data):
        task = workflow.get_tasks(state=TaskState.READY, manual=True)[0]
        task.data.update(data)
        task.run()
        workflow.do_engine_steps()

    # The model's timer expressions need the functions Dumas gives every workflow.
    from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine, TaskDataEnvironment

    from app.engine.scripts import script_functions

    script_engine = PythonScriptEngine(environment=TaskDataEnvironment(script_functions()))
    workflow = BpmnWorkflow(parser.get_spec("sop_000"), script_engine=script_engine)
    # What the service layer seeds every new case with (app/services/casework/cases.py open_case):
    # the model's "Ada masa keberatan?" gateway reads the owner's objection period.
    for task in workflow.get_tasks(state=TaskState.READY):
        task.data.update(SEED)
    workflow.do_engine_steps()
    complete(workflow, VERIFIED)
    at_review = serializer.serialize_json(workflow)

    samples, cpu = [], _CpuClock()
    for _ in range(iterations):
        started = time.perf_counter()
        with cpu:
            workflow = serializer.deserialize_json(at_review)
            workflow.script_engine = script_engine  # not serialised: set again after a load
            complete(workflow, REVIEW)
            serializer.serialize_json(workflow)
        samples.append((time.perf_counter() - started) * 1000)
    for data in FOLLOW_UP:
        complete(workflow, data)
    finished_bytes = len(serializer.serialize_json(workflow).encode("utf-8"))
    return *_summary(samples), cpu.per_step_ms, finished_bytes


def _prepared_app(database_url: str):
    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.definitions.processes import deploy_directory

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        flask_migrate.upgrade()
        deploy_directory(ROOT, deployed_by="bench")
        db.session.remove()
    return app


def service_layer(database_url: str, iterations: int) -> tuple[float, float, float, float, int, int]:
    from sqlalchemy import event

    from app.extensions import db
    from app.models import Case
    from app.services.casework.cases import complete_task, start_case

    app = _prepared_app(database_url)
    with app.app_context():
        task_ids = []
        for i in range(iterations):
            case = start_case(process_key="sop_000", data={"jenis": "pengaduan"}, title=f"Bench {i}", actor="bench")
            complete_task(task_id=case.tasks[0].engine_task_id, data=VERIFIED, actor="admin")
            task_ids.append(case.tasks[0].engine_task_id)
        db.session.remove()

        samples, cpu = [], _CpuClock()
        statements = []  # round trips to the database: each statement SQLAlchemy sends

        def count(*_):
            statements.append(1)

        event.listen(db.engine, "before_cursor_execute", count)
        for task_id in task_ids:  # each a request: fresh session, one case, one commit
            started = time.perf_counter()
            with cpu:
                complete_task(task_id=task_id, data=REVIEW, actor="kepala")
                db.session.remove()
            samples.append((time.perf_counter() - started) * 1000)
        event.remove(db.engine, "before_cursor_execute", count)
        per_step = len(statements) / len(task_ids)

        case = db.session.scalars(db.select(Case).order_by(Case.id.desc()).limit(1)).one()
        for data in FOLLOW_UP:
            complete_task(task_id=case.tasks[0].engine_task_id, data=data, actor="admin")
            db.session.refresh(case)
        # The answer is out; the case waits 10 working days for an objection (keberatan).
        assert case.status == "jawaban_disampaikan"
        stored, raw = len(case.workflow_state), len(zlib.decompress(case.workflow_state))
        db.session.remove()
        db.engine.dispose()
    return *_summary(samples), cpu.per_step_ms, per_step, stored, raw


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--postgres-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()

    bare_median, bare_p95, bare_cpu, bare_bytes = bare_spiff(args.iterations)
    print(f"SOP 000 review step (load -> complete -> DMN -> dump), {args.iterations} iterations, ms;"
          f" load average {os.getloadavg()[0]:.2f}")
    print(f"  bare SpiffWorkflow         median {bare_median:6.2f}  p95 {bare_p95:6.2f}"
          f"                CPU {bare_cpu:6.2f}")

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("SQLite", *service_layer(f"sqlite:///{tmp}/bench.sqlite", args.iterations)))
    with throwaway_postgres(args.postgres_url) as url:
        rows.append(("PostgreSQL", *service_layer(url, args.iterations)))
    for label, median, p95, cpu, per_step, _, _ in rows:
        print(f"  service layer, {label:<11} median {median:6.2f}  p95 {p95:6.2f}  ratio {median / bare_median:4.2f}x"
              f"  CPU {cpu:6.2f}  ratio {cpu / bare_cpu:4.2f}x  {per_step:4.1f} statements")

    _, _, _, _, _, stored, raw = rows[0]
    print("Stored bytes per SOP 000 case once answered (pengawasan path, 5 tasks, objection period running)")
    print(f"  bare SpiffWorkflow dump (spec embedded)  {bare_bytes:7d}")
    print(f"  Dumas case state, JSON without spec      {raw:7d}")
    print(f"  Dumas case state as stored (zlib)        {stored:7d}")


if __name__ == "__main__":
    main()
