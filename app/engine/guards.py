"""The run-time bounds of the model sandbox (`app/engine/sandbox.py`).

The compiled code of a checked script calls these guards for every operation that can
grow without bound (`+`, `*`, `**`, `%`), every loop and comprehension step and every
method call; the builtins and calendar functions it may call watch the clock too. One
`Guards` object per evaluation; `evaluate` makes it.
"""
import ast
import builtins
import functools
import re
import threading
import time
from datetime import date, datetime

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
_METHOD_OWNERS: tuple[type, ...] = (str, dict, list, tuple, set, int, float, bool, date, datetime, type({}.keys()),
                  type({}.values()), type({}.items()))
_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class LimitExceeded(Exception):
    """A running expression went past a size or time bound."""


def _too_many() -> LimitExceeded:
    return LimitExceeded(f"hasil lebih dari {MAX_ITEMS:,} unsur".replace(",", "."))


class ForbiddenMethod(Exception):
    """A method was called on something models may not call methods of."""


class Guards:
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
            raise _too_many()
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
            raise _too_many()
        return self._produced(a + b)

    def mul(self, a, b):
        if _is_sequence(a) or _is_sequence(b):
            seq, n = (a, b) if _is_sequence(a) else (b, a)
            if isinstance(n, int) and len(seq) * n > MAX_ITEMS:
                raise _too_many()
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
            raise ForbiddenMethod(f"Ekspresi ditolak: \u201c.{name}\u201d tidak diizinkan")
        self._tick()
        if name == "join":
            parts = list(args[0]) if args else []
            if sum(len(p) for p in parts if isinstance(p, str)) + len(obj) * len(parts) > MAX_ITEMS:
                raise _too_many()
            args = (parts, *args[1:])
        elif name == "replace" and len(args) >= 2 and isinstance(obj, str):
            old, new = str(args[0]), str(args[1])
            if len(new) > len(old):
                times = obj.count(old) if old else len(obj) + 1
                if len(obj) + times * (len(new) - len(old)) > MAX_ITEMS:
                    raise _too_many()
        return self._produced(getattr(obj, name)(*args, **kwargs))

    def sized(self, value):
        self._tick()
        return self._produced(value)


_METHOD_OWNERS_SET = frozenset(_METHOD_OWNERS)
# The bounds of the evaluation running on this thread, for the builtins and calendar
# functions, which the compiled code calls directly.
_active = threading.local()


def _is_sequence(value) -> bool:
    return isinstance(value, str | bytes | list | tuple)


class GuardingTransformer(ast.NodeTransformer):
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
    """A builtin whose result is sized like every guarded operation's (and that watches
    the clock: `sorted(..., key=str)` calls it from C, where no loop guard runs)."""
    @functools.wraps(function)
    def counted(*args, **kwargs):
        guards = getattr(_active, "guards", None)
        if guards is not None:
            guards._tick()
        result = function(*args, **kwargs)
        return guards._produced(result) if guards is not None else result
    return counted


def ticking(function):
    """A calendar function that stops when its evaluation is out of time."""
    @functools.wraps(function)
    def ticking(*args, **kwargs):
        guards = getattr(_active, "guards", None)
        if guards is not None:
            guards._tick()
        return function(*args, **kwargs)
    return ticking


def _number_sum(iterable, start=0):
    # sum(lists, []) concatenates in quadratic time; models add numbers only.
    if not isinstance(start, int | float):
        raise TypeError("sum() hanya menjumlahkan bilangan")
    return sum(iterable, start)


SAFE_BUILTINS = {name: getattr(builtins, name) for name in _PLAIN_BUILTINS}
SAFE_BUILTINS.update({name: _counting(SAFE_BUILTINS[name]) for name in ("dict", "list", "set", "sorted", "str", "tuple")})
SAFE_BUILTINS.update(range=_bounded_range, sum=_number_sum)


def evaluate(code, namespace: dict):
    """Run compiled code in `namespace` with the safe builtins and fresh bounds."""
    guards = Guards()
    namespace["__builtins__"] = SAFE_BUILTINS
    namespace["_s_"] = guards
    outer, _active.guards = getattr(_active, "guards", None), guards
    try:
        return eval(code, namespace)  # noqa: S307 - checked and guarded by compile_checked
    finally:
        _active.guards = outer
