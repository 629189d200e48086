"""Which problem `code`s each operation can answer, derived from the code it runs.

The routes' endpoint and dependency functions are walked through their bytecode: every `AppError`
subclass they name, and every function of the app they call (directly, or as `module.function`),
is followed. The result feeds the OpenAPI document, so the documented codes follow the code.
"""

import dis
import inspect
import sys
import types
from collections.abc import Collection, Iterator
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from app.core.errors import SHARED_CODES, AppError

_LOAD_NAME = {"LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"}
_LOAD_ATTR = {"LOAD_ATTR", "LOAD_METHOD"}
_STORE_LOCAL = {"STORE_FAST", "STORE_NAME", "STORE_DEREF"}


def _nested_code(code: types.CodeType) -> Iterator[types.CodeType]:
    yield code
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            yield from _nested_code(const)


def _scope(func: types.FunctionType) -> dict[str, Any]:
    scope = dict(func.__globals__)
    for name, cell in zip(func.__code__.co_freevars, func.__closure__ or (), strict=True):
        try:
            scope[name] = cell.cell_contents
        except ValueError:  # a cell not filled yet
            continue
    return scope


def _referenced(func: types.FunctionType) -> Iterator[Any]:
    """The objects a function names: globals, closure cells, names imported inside it, and
    `module.attribute` pairs."""
    scope = _scope(func)
    for code in _nested_code(func.__code__):
        local: dict[str, Any] = {}
        module: types.ModuleType | None = None
        imported: Any = None
        for instruction in dis.get_instructions(code):
            name = str(instruction.argval)
            if instruction.opname == "IMPORT_NAME":
                imported = sys.modules.get(name)
            elif instruction.opname == "IMPORT_FROM":
                imported = getattr(imported, name, None) if imported is not None else None
            elif instruction.opname in _STORE_LOCAL and imported is not None:
                local[name] = imported
                imported = None
            if instruction.opname in _LOAD_NAME or instruction.opname == "LOAD_FAST":
                value = local.get(name) if instruction.opname == "LOAD_FAST" else scope.get(name)
                yield value
                module = value if isinstance(value, types.ModuleType) else None
            elif instruction.opname in _LOAD_ATTR and module is not None:
                yield getattr(module, name, None)
                module = None
            else:
                module = None


def _raised(func: Any, seen: set[int]) -> set[type[AppError]]:
    func = inspect.unwrap(func)
    if (
        not isinstance(func, types.FunctionType)
        or not func.__module__.startswith("app.")
        or id(func) in seen
    ):
        return set()
    seen.add(id(func))
    found: set[type[AppError]] = set()
    for value in _referenced(func):
        if isinstance(value, type) and issubclass(value, AppError):
            found.add(value)
        elif isinstance(value, types.FunctionType):
            found |= _raised(value, seen)
    return found


def _own(dependant: Dependant, shared: Collection[Any]) -> list[Dependant]:
    return [sub for sub in dependant.dependencies if sub.call not in shared]


def _calls(dependant: Dependant, shared: Collection[Any]) -> Iterator[Any]:
    if dependant.call is not None:
        yield dependant.call
    for sub in _own(dependant, shared):
        yield from _calls(sub, shared)


def _takes_input(dependant: Dependant, shared: Collection[Any]) -> bool:
    if dependant.path_params or dependant.query_params or dependant.body_params:
        return True
    return any(_takes_input(sub, shared) for sub in _own(dependant, shared))


def route_dependency_calls(route: APIRoute, shared: Collection[Any] = ()) -> list[Any]:
    """The endpoint and every dependency callable it resolves, outermost first.

    `shared` are the app-wide dependencies (the idempotency claim): each operation resolves them,
    but they are documented by their own rule, not as the operation's.
    """
    return list(_calls(route.dependant, shared))


def route_problem_codes(route: APIRoute, shared: Collection[Any] = ()) -> dict[int, list[str]]:
    """The problem codes an operation can answer, by HTTP status (app-wide dependencies apart)."""
    seen: set[int] = set()
    errors: set[type[AppError]] = set()
    for call in route_dependency_calls(route, shared):
        errors |= _raised(call, seen)
    codes: dict[int, set[str]] = {}
    for error in errors:
        codes.setdefault(int(error.status), set()).add(error.code)
    if _takes_input(route.dependant, shared):
        for status, shared in SHARED_CODES.items():
            codes.setdefault(status, set()).update(shared)
    return {status: sorted(codes[status]) for status in sorted(codes)}
