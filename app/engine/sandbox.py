"""The small language models are written in, and the evaluator that runs it.

Scripts, gateway conditions, DMN entries and timer expressions are written by process
owners (business staff), so they must not reach the operating system, the database, the
network or Python's internals. Every one of them is read by `check` (an allow-list of
syntax) both at the deploy gate and when a case runs it, then compiled with every
multiplication, power, addition, `%`, iteration and method call routed through a guard
that bounds sizes, steps and time (`app/engine/guards.py`), and evaluated with only safe
builtins and the calendar functions (`app/engine/scripts.py`).

Why a hand-written allow-list and not RestrictedPython: the language the shipped models
use is tiny (comparisons, `and`/`not`, literals, assignments, calls to the calendar
functions, a dict and a subscript), so an allow-list of about 40 syntax nodes is a far
smaller surface than RestrictedPython's policy, which starts from all of Python and
removes (it allows every attribute without an underscore, including `gi_frame`-style
ones it must list separately, and `str.format` is caught only by its `safer_getattr`).
RestrictedPython bounds neither time nor size, so our guards would be needed
anyway, and its refusals are English sentences per line while the gate must name the
element and the construct in the process owner's language.
"""
import ast
import builtins
import copy
import functools
import re
from dataclasses import dataclass

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

from app.engine.guards import (
    ALLOWED_METHODS,
    MAX_FORMAT_WIDTH,
    SAFE_BUILTINS,
    GuardingTransformer,
    Guards,
    LimitExceeded,
    evaluate,
    ticking,
)

__all__ = ["LimitExceeded", "Refused", "SAFE_BUILTINS", "SandboxEnvironment", "Violation", "check", "compile_checked",
           "evaluate"]

_ALLOWED_NODES = (
    ast.Module, ast.Expression, ast.Expr, ast.Assign, ast.AugAssign, ast.If, ast.For, ast.Pass, ast.Break,
    ast.Continue, ast.BoolOp, ast.BinOp, ast.UnaryOp, ast.Compare, ast.IfExp, ast.Call, ast.keyword,
    ast.Constant, ast.Name, ast.Attribute, ast.Subscript, ast.Slice, ast.Dict, ast.List, ast.Tuple, ast.Set,
    ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp, ast.comprehension, ast.JoinedStr,
    ast.FormattedValue, ast.Load, ast.Store, ast.And, ast.Or, ast.Not, ast.USub, ast.UAdd, ast.Invert, ast.Add,
    ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.BitAnd, ast.BitOr, ast.BitXor, ast.Eq,
    ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE, ast.Is, ast.IsNot, ast.In, ast.NotIn,
)
# What a refused node is called in a message (the process owner wrote it, so the Python
# keyword is the clearest name for it).
_CONSTRUCT_NAMES = {
    ast.Import: "import", ast.ImportFrom: "from … import", ast.While: "while", ast.Lambda: "lambda",
    ast.FunctionDef: "def", ast.AsyncFunctionDef: "async def", ast.ClassDef: "class", ast.With: "with",
    ast.Try: "try", ast.Raise: "raise", ast.Global: "global", ast.Nonlocal: "nonlocal", ast.Delete: "del",
    ast.Yield: "yield", ast.YieldFrom: "yield from", ast.Await: "await", ast.NamedExpr: ":=",
    ast.Starred: "*", ast.LShift: "<<", ast.RShift: ">>", ast.MatMult: "@", ast.Assert: "assert",
    ast.Return: "return", ast.AnnAssign: "anotasi tipe",
}
_FORMAT_NUMBER = re.compile(r"\d+")


@dataclass(frozen=True)
class Violation:
    """Why a text is refused. `kind`: syntax, construct, private_name, forbidden_name,
    attribute, call, format_width, too_large; `detail`: the construct or name; `line`: 1-based."""

    kind: str
    detail: str
    line: int | None = None

    def describe(self) -> str:
        """Indonesian words for the run-time error recorded on the case."""
        where = f" (baris {self.line})" if self.line else ""
        return {
            "syntax": f"tidak dapat dibaca: {self.detail}",
            "construct": f"konstruksi \u201c{self.detail}\u201d tidak diizinkan{where}",
            "private_name": f"nama \u201c{self.detail}\u201d tidak diizinkan (diawali garis bawah){where}",
            "forbidden_name": f"fungsi \u201c{self.detail}\u201d tidak tersedia dalam model{where}",
            "attribute": f"\u201c.{self.detail}\u201d tidak diizinkan{where}",
            "call": f"\u201c{self.detail}\u201d tidak dapat dipanggil{where}",
            "format_width": f"format \u201c{self.detail}\u201d terlalu lebar{where}",
            "too_large": f"hasil \u201c{self.detail}\u201d terlalu besar{where}",
        }[self.kind]


class Refused(Exception):
    """A text uses a construct models may not use; raised at run time, before it runs."""

    def __init__(self, violation: Violation):
        super().__init__(f"Ekspresi ditolak: {violation.describe()}")
        self.violation = violation


def check(text: str, *, mode: str = "exec", functions: frozenset[str] = frozenset()) -> Violation | None:
    """The first thing in `text` that models may not use, or None. `mode`: exec for a
    script, eval for an expression; `functions`: the calendar functions' names."""
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError as exc:
        return Violation("syntax", exc.msg or "", exc.lineno)
    return _check_tree(tree, functions)


def _check_tree(tree: ast.AST, functions: frozenset[str]) -> Violation | None:
    callable_names = functions | _CALLABLE_BUILTINS
    # A method may only be called, never read as a value: `f = s.split` would hand a bound
    # method to code the run-time guard no longer sees.
    called_methods = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    found = []
    for node in ast.walk(tree):
        violation = _check_node(node, callable_names, called_methods)
        if violation is not None:
            found.append((violation.line or 10**9, _RANK.index(violation.kind), getattr(node, "col_offset", 0),
                          getattr(node, "end_col_offset", 0), violation))
    # The first line's worst offence: `__import__('os').popen(...)` names __import__, not popen.
    return min(found, key=lambda f: f[:4])[4] if found else None


_RANK = ("syntax", "construct", "private_name", "forbidden_name", "call", "attribute", "format_width", "too_large")


def _check_node(node: ast.AST, callable_names: frozenset[str], called_methods: set[int]) -> Violation | None:
    line = getattr(node, "lineno", None)
    if not isinstance(node, _ALLOWED_NODES):
        return Violation("construct", _CONSTRUCT_NAMES.get(type(node), type(node).__name__), line)
    if isinstance(node, ast.Name):
        return _check_name(node, callable_names, line)
    if isinstance(node, ast.Attribute):
        if node.attr not in ALLOWED_METHODS or id(node) not in called_methods:
            return Violation("attribute", node.attr, line)
        return None
    if isinstance(node, ast.keyword):
        return _check_keyword(node, line)
    if isinstance(node, ast.FormattedValue) and isinstance(node.format_spec, ast.JoinedStr):
        return _check_format_spec(node.format_spec, line)
    if isinstance(node, ast.BinOp) and _is_constant(node):
        return _check_constant_size(node, line)
    return _check_construct(node, line)


def _check_name(node: ast.Name, callable_names: frozenset[str], line: int | None) -> Violation | None:
    if node.id.startswith("_"):
        return Violation("private_name", node.id, line)
    if node.id not in callable_names and node.id not in _CONSTANT_NAMES and hasattr(builtins, node.id):
        return Violation("forbidden_name", node.id, line)
    return None


def _check_keyword(node: ast.keyword, line: int | None) -> Violation | None:
    if node.arg is None:
        return Violation("construct", "**", line)
    if node.arg.startswith("_"):
        return Violation("private_name", node.arg, line)
    return None


def _check_construct(node: ast.AST, line: int | None) -> Violation | None:
    """Calls, augmented assignments and comprehensions of a form that is refused."""
    if isinstance(node, ast.Call) and not isinstance(node.func, ast.Name | ast.Attribute):
        # A name is either a safe builtin, a calendar function, plain data or one of those
        # assigned to another name (the forbidden builtins are refused as names).
        return Violation("call", ast.unparse(node.func)[:40], line)
    if isinstance(node, ast.AugAssign) and not isinstance(node.target, ast.Name):
        return Violation("construct", f"{ast.unparse(node.target)[:40]} {_OPERATOR_SIGNS.get(type(node.op), '')}=",
                         line)
    if isinstance(node, ast.comprehension) and node.is_async:
        return Violation("construct", "async for", line)
    return None


def _check_format_spec(format_spec: ast.JoinedStr, line: int | None) -> Violation | None:
    parts = format_spec.values
    spec = "".join(str(v.value) for v in parts if isinstance(v, ast.Constant))
    if not all(isinstance(v, ast.Constant) for v in parts) or any(
            int(n) > MAX_FORMAT_WIDTH for n in _FORMAT_NUMBER.findall(spec)):
        return Violation("format_width", ast.unparse(format_spec)[:40], line)
    return None


def _check_constant_size(node: ast.BinOp, line: int | None) -> Violation | None:
    """`9**9**9`, `'a' * 10**10`: known too large before any case runs."""
    try:
        expression = ast.Expression(body=GuardingTransformer().visit(copy.deepcopy(node)))
        eval(compile(ast.fix_missing_locations(expression), "<model>", "eval"),  # noqa: S307
             {"__builtins__": {}, "_s_": Guards()})
    except LimitExceeded as exc:
        return Violation("too_large", f"{ast.unparse(node)[:40]} ({exc})", line)
    except Exception:  # noqa: BLE001 - 1/0 and the like fail the way they do today, at run time
        pass
    return None


def _is_constant(node: ast.AST) -> bool:
    return all(isinstance(n, ast.Constant | ast.BinOp | ast.UnaryOp | ast.operator | ast.unaryop)
               for n in ast.walk(node))


_CONSTANT_NAMES = frozenset({"True", "False", "None"})
_OPERATOR_SIGNS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Mod: "%",
                   ast.Pow: "**", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}


_CALLABLE_BUILTINS = frozenset(SAFE_BUILTINS)


# -- running -----------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def compile_checked(text: str, mode: str, functions: frozenset[str]):
    """`text` compiled with its guards; raises Refused for anything models may not use.
    Cached: the same few hundred expressions run for every case."""
    try:
        tree = ast.parse(text, mode=mode)
    except SyntaxError:
        return compile(text, "<string>", mode)  # raises the SyntaxError, as today
    violation = _check_tree(tree, functions)
    if violation is not None:
        raise Refused(violation)
    return compile(ast.fix_missing_locations(GuardingTransformer().visit(tree)), "<string>", mode)


class SandboxEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's script environment, with every text checked, guarded and run on
    the safe builtins (TaskDataEnvironment runs plain eval/exec with all of Python)."""

    def __init__(self, functions: dict):
        super().__init__({name: ticking(function) for name, function in functions.items()})
        self._names = frozenset(functions)

    def evaluate(self, expression, context, external_context=None):
        code = compile_checked(expression, "eval", self._names)
        return evaluate(code, {**self.globals, **(external_context or {}), **context})

    def execute(self, script, context, external_context=None):
        external_context = external_context or {}
        self.check_for_overwrite(context, external_context)
        code = compile_checked(script, "exec", self._names)
        namespace = {**self.globals, **external_context, **context}
        evaluate(code, namespace)
        # Only the data the script set goes back to the task: not the functions, the
        # builtins or the guards. Written only on success: a failed step is discarded.
        for key, value in namespace.items():
            if key.startswith("_") or callable(value) or key in self.globals or key in external_context:
                continue
            context[key] = value
        return True
