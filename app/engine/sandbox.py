"""The small language models are written in, and the evaluator that runs it.

Scripts, gateway conditions, DMN entries and timer expressions are written by process
owners (business staff), so they must not reach the operating system, the database, the
network or Python's internals. Every one of them is read by `check` (an allow-list of
syntax) both at the deploy gate and when a case runs it, then compiled with every
multiplication, power, addition, `%`, iteration and method call routed through a guard
that bounds sizes and steps, and evaluated with only the builtins below and the
calendar functions (`app/engine/scripts.py`).

Why a hand-written allow-list and not RestrictedPython: the language the shipped models
use is tiny (comparisons, `and`/`not`, literals, assignments, calls to the calendar
functions, a dict and a subscript), so an allow-list of about 40 syntax nodes is a far
smaller surface than RestrictedPython's policy, which starts from all of Python and
removes (it allows every attribute without an underscore, including `gi_frame`-style
ones it must list separately, and `str.format` is caught only by its `safer_getattr`).
RestrictedPython bounds neither time nor size, so the guards below would be needed
anyway, and its refusals are English sentences per line while the gate must name the
element and the construct in the process owner's language.
"""
import ast
import builtins
import copy
import functools
import re
import time
from dataclasses import dataclass

from SpiffWorkflow.bpmn.script_engine import TaskDataEnvironment

# Bounds for one evaluation. A normal script does a handful of operations; these stop a
# model from filling memory or keeping a worker busy, while leaving room for real data
# (a complaint's text is a few thousand characters).
MAX_ITEMS = 1_000_000  # characters of one string, items of one list/dict/set
MAX_TOTAL_ITEMS = 5_000_000  # everything the guards saw produced in one evaluation
MAX_INT_BITS = 4_096  # about 1,200 decimal digits
MAX_STEPS = 100_000  # loop and comprehension iterations in one evaluation
MAX_SECONDS = 1.0
MAX_RANGE = 10_000
MAX_FORMAT_WIDTH = 100

# Plain data and functions with no way back to the interpreter. No type(), getattr(),
# open(), eval(), exec(), compile(), globals(), __import__, format() (its spec reads
# attributes), pow() (three-argument form, unbounded) or iter()/next() (side doors around
# the step counter).
_PLAIN_BUILTINS = ("abs", "all", "any", "bool", "dict", "enumerate", "float", "int", "len", "list", "max", "min",
                   "round", "set", "sorted", "str", "sum", "tuple", "zip", "reversed")
ALLOWED_METHODS = frozenset({
    "get", "keys", "values", "items", "count", "index", "find", "startswith", "endswith", "lower", "upper",
    "strip", "lstrip", "rstrip", "split", "join", "replace", "title", "capitalize", "isdigit", "append",
    "isoformat", "weekday",
})
# Only these kinds of objects have their methods called; a type object, a function or a
# generator never does, whatever the method's name.
_METHOD_OWNERS = (str, dict, list, tuple, set, int, float, bool, type({}.keys()), type({}.values()),
                  type({}.items()))

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
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


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


class LimitExceeded(Exception):
    """A running expression went past a size or time bound."""


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
        if node.id.startswith("_"):
            return Violation("private_name", node.id, line)
        if node.id not in callable_names and node.id not in _CONSTANT_NAMES and hasattr(builtins, node.id):
            return Violation("forbidden_name", node.id, line)
    elif isinstance(node, ast.Attribute):
        if node.attr not in ALLOWED_METHODS or id(node) not in called_methods:
            return Violation("attribute", node.attr, line)
    elif isinstance(node, ast.Call):
        # A name is either a safe builtin, a calendar function, plain data or one of those
        # assigned to another name (the forbidden builtins are refused as names above).
        func = node.func
        if not isinstance(func, ast.Name | ast.Attribute):
            return Violation("call", ast.unparse(func)[:40], line)
    elif isinstance(node, ast.keyword):
        if node.arg is None:
            return Violation("construct", "**", line)
        if node.arg.startswith("_"):
            return Violation("private_name", node.arg, line)
    elif isinstance(node, ast.AugAssign) and not isinstance(node.target, ast.Name):
        return Violation("construct", f"{ast.unparse(node.target)[:40]} {_OPERATOR_SIGNS.get(type(node.op), '')}=",
                         line)
    elif isinstance(node, ast.FormattedValue) and node.format_spec is not None:
        parts = node.format_spec.values
        spec = "".join(v.value for v in parts if isinstance(v, ast.Constant))
        if not all(isinstance(v, ast.Constant) for v in parts) or any(
                int(n) > MAX_FORMAT_WIDTH for n in _FORMAT_NUMBER.findall(spec)):
            return Violation("format_width", ast.unparse(node.format_spec)[:40], line)
    elif isinstance(node, ast.comprehension) and node.is_async:
        return Violation("construct", "async for", line)
    elif isinstance(node, ast.BinOp) and _is_constant(node):
        # `9**9**9`, `'a' * 10**10`: known too large before any case runs.
        try:
            expression = ast.Expression(body=_Guarding().visit(copy.deepcopy(node)))
            eval(compile(ast.fix_missing_locations(expression), "<model>", "eval"),  # noqa: S307
                 {"__builtins__": {}, "_s_": _Guards()})
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


# -- running -----------------------------------------------------------------------------

class _Guards:
    """The bounds of one evaluation; the compiled code calls these as `_s_.<name>`."""

    __slots__ = ("steps", "items", "deadline")

    def __init__(self):
        self.steps = 0
        self.items = 0
        self.deadline = time.monotonic() + MAX_SECONDS

    def _tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise LimitExceeded(f"melebihi batas waktu {MAX_SECONDS:g} detik")

    def _produced(self, value):
        size = len(value) if isinstance(value, str | bytes | list | tuple | dict | set) else 0
        if isinstance(value, int) and value.bit_length() > MAX_INT_BITS:
            raise LimitExceeded(f"bilangan lebih dari {MAX_INT_BITS} bit")
        if size > MAX_ITEMS:
            raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
        self.items += size
        if self.items > MAX_TOTAL_ITEMS:
            raise LimitExceeded("terlalu banyak data dibuat")
        return value

    def iter(self, iterable):
        for item in iterable:
            self.steps += 1
            if self.steps > MAX_STEPS:
                raise LimitExceeded(f"lebih dari {MAX_STEPS:,} putaran".replace(",", "."))
            if not self.steps & 255:
                self._tick()
            yield item

    def add(self, a, b):
        if _is_sequence(a) and _is_sequence(b) and len(a) + len(b) > MAX_ITEMS:
            raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
        return self._produced(a + b)

    def mul(self, a, b):
        if _is_sequence(a) or _is_sequence(b):
            seq, n = (a, b) if _is_sequence(a) else (b, a)
            if isinstance(n, int) and len(seq) * n > MAX_ITEMS:
                raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
        elif isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_INT_BITS + 1:
            raise LimitExceeded(f"bilangan lebih dari {MAX_INT_BITS} bit")
        return self._produced(a * b)

    def pow(self, a, b):
        if isinstance(a, int) and isinstance(b, int) and b > 0 and abs(a) > 1 and (
                b > MAX_INT_BITS or (a.bit_length() - 1) * b > MAX_INT_BITS):
            raise LimitExceeded(f"bilangan lebih dari {MAX_INT_BITS} bit")
        return self._produced(a ** b)

    def mod(self, a, b):
        if isinstance(a, str):  # '%*d' and '%999999999s' build huge strings
            for width, precision in _PERCENT_SPEC.findall(a):
                if "*" in (width, precision) or int(width or 0) > MAX_FORMAT_WIDTH or int(precision or 0) > MAX_FORMAT_WIDTH:
                    raise LimitExceeded("format % terlalu lebar")
        return self._produced(a % b)

    def method(self, obj, name, /, *args, **kwargs):
        # The gate allowed only names in ALLOWED_METHODS; here the owner is checked too,
        # so no method of a function, type, module or frame is ever reached.
        if name not in ALLOWED_METHODS or type(obj) not in _METHOD_OWNERS_SET:
            raise Refused(Violation("attribute", name))
        self._tick()
        if name == "join":
            parts = list(args[0]) if args else []
            if sum(len(p) for p in parts if isinstance(p, str)) + len(obj) * len(parts) > MAX_ITEMS:
                raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
            args = (parts, *args[1:])
        elif name == "replace" and len(args) >= 2 and isinstance(obj, str):
            old, new = str(args[0]), str(args[1])
            if len(new) > len(old):
                times = obj.count(old) if old else len(obj) + 1
                if len(obj) + times * (len(new) - len(old)) > MAX_ITEMS:
                    raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
        return self._produced(getattr(obj, name)(*args, **kwargs))

    def sized(self, value):
        self._tick()
        return self._produced(value)


_METHOD_OWNERS_SET = frozenset(_METHOD_OWNERS)


def _is_sequence(value) -> bool:
    return isinstance(value, str | bytes | list | tuple)


class _Guarding(ast.NodeTransformer):
    """Routes the operations that can grow without bound through `_s_` (see _Guards)."""

    _OPS = {ast.Add: "add", ast.Mult: "mul", ast.Pow: "pow", ast.Mod: "mod"}

    @staticmethod
    def _guard(name: str, *args: ast.expr) -> ast.Call:
        return ast.Call(ast.Attribute(ast.Name("_s_", ast.Load()), name, ast.Load()), list(args), [])

    def visit_BinOp(self, node):
        self.generic_visit(node)
        op = self._OPS.get(type(node.op))
        return self._guard(op, node.left, node.right) if op else node

    def visit_AugAssign(self, node):
        self.generic_visit(node)
        op = self._OPS.get(type(node.op))
        if not op:
            return node
        current = ast.Name(node.target.id, ast.Load())
        return ast.Assign([node.target], self._guard(op, current, node.value))

    def visit_For(self, node):
        self.generic_visit(node)
        node.iter = self._guard("iter", node.iter)
        return node

    def visit_comprehension(self, node):
        self.generic_visit(node)
        node.iter = self._guard("iter", node.iter)
        return node

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute):
            func = node.func
            return ast.Call(ast.Attribute(ast.Name("_s_", ast.Load()), "method", ast.Load()),
                            [func.value, ast.Constant(func.attr), *node.args], node.keywords)
        return node

    def visit_JoinedStr(self, node):
        return self._guard("sized", node)


def _bounded_range(*args):
    r = range(*args)
    if len(r) > MAX_RANGE:
        raise LimitExceeded(f"range lebih dari {MAX_RANGE:,} angka".replace(",", "."))
    return r


def _counting(function):
    """A builtin whose result is sized like every guarded operation's."""
    @functools.wraps(function)
    def counted(*args, **kwargs):
        result = function(*args, **kwargs)
        size = len(result) if isinstance(result, str | list | tuple | dict | set) else 0
        if size > MAX_ITEMS:
            raise LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))
        return result
    return counted


def _number_sum(iterable, start=0):
    # sum(lists, []) concatenates in quadratic time; models add numbers only.
    if not isinstance(start, int | float):
        raise TypeError("sum() hanya menjumlahkan bilangan")
    return sum(iterable, start)


SAFE_BUILTINS = {name: getattr(builtins, name) for name in _PLAIN_BUILTINS}
SAFE_BUILTINS.update({name: _counting(SAFE_BUILTINS[name]) for name in ("dict", "list", "set", "sorted", "str", "tuple")})
SAFE_BUILTINS.update(range=_bounded_range, sum=_number_sum)
_CALLABLE_BUILTINS = frozenset(SAFE_BUILTINS)


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
    return compile(ast.fix_missing_locations(_Guarding().visit(tree)), "<string>", mode)


def evaluate(code, namespace: dict):
    """Run compiled code in `namespace` with the safe builtins and fresh bounds."""
    namespace["__builtins__"] = SAFE_BUILTINS
    namespace["_s_"] = _Guards()
    return eval(code, namespace)  # noqa: S307 - checked and guarded by compile_checked


class SandboxEnvironment(TaskDataEnvironment):
    """SpiffWorkflow's script environment, with every text checked, guarded and run on
    the safe builtins (TaskDataEnvironment runs plain eval/exec with all of Python)."""

    def __init__(self, functions: dict):
        super().__init__(dict(functions))
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
