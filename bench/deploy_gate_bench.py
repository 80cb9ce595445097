"""Benchmark: how long a process owner waits for the deploy gate, per shipped SOP.

Prints figures, asserts nothing. On a fresh SQLite database with the SOPs deployed, for
each SOP: the whole gate (safe parse, lanes, forms, tables, timers, engine parse,
bpmnlint), and bpmnlint alone (a Node process per check), median of N runs.

    .venv/bin/python bench/deploy_gate_bench.py [--iterations 5]
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _median_ms(action, iterations: int) -> float:
    samples = []
    for _ in range(iterations):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=5)
    iterations = parser.parse_args().iterations

    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services.administration.demo import seed_reference_data
    from app.services.definitions.processes import deploy_directory
    from app.services.modelling.bpmnlint import lint_bpmn
    from app.services.modelling.deploy_gate import check_process
    from app.services.modelling.model_editor import available_decisions, available_forms

    with tempfile.TemporaryDirectory() as directory:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{directory}/bench.sqlite", "SECRET_KEY": "bench",
                          "DUMAS_TIMERS": "off"})
        with app.app_context():
            flask_migrate.upgrade()
            seed_reference_data()
            versions = deploy_directory(ROOT, deployed_by="bench")
            forms = available_forms()
            tables = dict(available_decisions().values())
            print(f"deploy gate, median of {iterations} runs (ms)")
            print(f"{'process':<10} {'gate':>8} {'bpmnlint':>9}")
            with app.test_request_context():
                for version in versions:
                    key, xml = version.definition.key, version.bpmn_xml

                    def gate(key: str = key, xml: str = xml) -> None:
                        report = check_process(process_key=key, bpmn_xml=xml, decision_files=tables, forms=forms)
                        assert report.passed

                    print(f"{key:<10} {_median_ms(gate, iterations):>8.0f} "
                          f"{_median_ms(lambda xml=xml: lint_bpmn(xml), iterations):>9.0f}")
            db.engine.dispose()


if __name__ == "__main__":
    main()
