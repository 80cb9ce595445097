"""Benchmark: what the model sandbox costs per expression and per script.

Prints figures, asserts nothing. Evaluates the shipped models' kinds of text (a gateway
condition, a DMN input entry as the DMN engine joins it, a timer expression, a script
like SOP 002's; tambah_hari stands for the calendar functions, whose cost is the
calendar's, not the sandbox's) with SpiffWorkflow's plain TaskDataEnvironment (eval/exec
of the text each time, no sandbox) and with Dumas's SandboxEnvironment (checked, compiled
once and cached, guarded), in microseconds.

    .venv/bin/python bench/sandbox_bench.py [--iterations 20000]

SpiffWorkflow is imported here, outside app/engine, only to measure the bare library.
"""
import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = {"rute": "pengawasan", "lintas_instansi": False, "kategori": "aspirasi", "lengkap": True}
TEXTS = [
    ("condition", "eval", 'lintas_instansi == True and rute != "minta_kelengkapan"'),
    ("DMN entry", "eval", '(kategori) == ("aspirasi")'),
    ("timer", "eval", "tambah_hari(14)"),
    ("script", "exec", 'batas = {\n'
                       '    "5_hari": {"tenggat": tambah_hari(5), "pengingat": tambah_hari(3)},\n'
                       '    "14_hari": {"tenggat": tambah_hari(14), "pengingat": tambah_hari(12)},\n'
                       '}\n'
                       'catatan = f"{len(batas)} kelas, rute {rute.upper()}"'),
]


def _per_call_us(run, iterations: int) -> float:
    rounds = []
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(iterations):
            run()
        rounds.append((time.perf_counter() - started) / iterations * 1e6)
    return statistics.median(rounds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()
    from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

    from app.engine.sandbox import SandboxEnvironment
    from app.engine.scripts import script_functions

    plain, sandbox = TaskDataEnvironment(script_functions()), SandboxEnvironment(script_functions())
    print(f"Per evaluation, median of 5 rounds of {args.iterations}, microseconds")
    print(f"  {'text':<10} {'plain eval':>11} {'sandbox':>9} {'extra':>8}")
    for label, mode, text in TEXTS:
        if mode == "eval":
            results = [_per_call_us(lambda env=env, text=text: env.evaluate(text, dict(DATA)), args.iterations)
                       for env in (plain, sandbox)]
        else:
            results = [_per_call_us(lambda env=env, text=text: env.execute(text, dict(DATA)), args.iterations // 10)
                       for env in (plain, sandbox)]
        print(f"  {label:<10} {results[0]:>11.2f} {results[1]:>9.2f} {results[1] - results[0]:>+8.2f}")


if __name__ == "__main__":
    main()
