"""Explicit wiring (``contest.wiring``): importing a module registers nothing; ``create_app``
registers exactly the marked functions of the modules listed there, and every module that
marks a job handler, a deletion guard or an after-publish hook, or defines a Celery task, is
listed (a forgotten module would silently drop its jobs)."""

from __future__ import annotations

import ast
from importlib import import_module
from inspect import isfunction
from pathlib import Path

from contest import wiring
from contest.contests import apply
from contest.jobs import operations
from contest.publication import hooks

ROOT = Path(__file__).resolve().parents[2]

MARKS = {
    "job_handler": wiring.JOB_HANDLER_MODULES,
    "register_delete_guard": wiring.DELETE_GUARD_MODULES,
    "after_publish": wiring.AFTER_PUBLISH_MODULES,
    "shared_task": wiring.TASK_MODULES,
}


def _decorated_modules() -> dict[str, set[str]]:
    """Decorator name → modules of ``contest`` that decorate a function with it."""
    found: dict[str, set[str]] = {name: set() for name in MARKS}
    for path in sorted((ROOT / "contest").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef):
                for deco in node.decorator_list:
                    target = deco.func if isinstance(deco, ast.Call) else deco
                    name = getattr(target, "id", None) or getattr(target, "attr", None)
                    if name in found:
                        found[name].add(module)
    return found


def test_every_module_with_marked_functions_is_wired():
    for decorator, modules in _decorated_modules().items():
        assert modules <= set(MARKS[decorator]), (decorator, modules - set(MARKS[decorator]))
        assert modules, decorator  # the scan sees them


def test_create_app_registers_the_marked_functions(app):
    handlers = {
        f.job_kind: f
        for n in wiring.JOB_HANDLER_MODULES
        for f in _functions(n, operations.is_handler)
    }
    for kind, func in handlers.items():
        assert operations.HANDLERS[kind] is func
    assert "results.compile" in handlers and "results.compile" in operations.OWN_DB_RETRIES
    guards = [g for n in wiring.DELETE_GUARD_MODULES for g in _functions(n, apply.is_delete_guard)]
    assert guards and all(g in apply.DELETE_GUARDS[g.delete_guard_kind] for g in guards)
    assert [h.__name__ for h in hooks._HOOKS] == ["revoke_corrected", "queue_notifications"]
    wiring.wire()  # again: nothing doubles
    assert [h.__name__ for h in hooks._HOOKS] == ["revoke_corrected", "queue_notifications"]


def test_decorators_only_mark():
    def handler(job, progress):
        return None

    def guard(obj):
        return None

    marked = operations.job_handler("test.marked_only")(handler)
    assert marked is handler and "test.marked_only" not in operations.HANDLERS
    assert apply.register_delete_guard("prizes")(guard) is guard
    assert guard not in apply.DELETE_GUARDS["prizes"]
    assert hooks.after_publish(guard) is guard and guard not in hooks._HOOKS
    operations.register_handler(handler)
    try:
        assert operations.HANDLERS["test.marked_only"] is handler
    finally:
        del operations.HANDLERS["test.marked_only"]


def _functions(module_name: str, test) -> list:
    """The functions of a wired module that ``test`` finds marked (what ``wiring`` registers)."""
    module = import_module(module_name)
    return [
        f
        for f in vars(module).values()
        if isfunction(f) and f.__module__ == module_name and test(f)
    ]
