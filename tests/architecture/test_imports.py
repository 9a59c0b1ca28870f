"""The layers between feature packages hold: no import cycle between two packages of
``contest/`` (``contest/<package>/``), and no private name (``_x``) imported from another
package. Imports are read from the source with ``ast`` — those at module level and those inside
functions alike (a late import is still a dependency)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTEST = ROOT / "contest"

#: Private names imported across packages, allowed until their owners make them public:
#: (importing module, imported module, name). Add none.
PRIVATE_ALLOWED: set[tuple[str, str, str]] = {
    ("contest.api.views_entries", "contest.entries.attachment_views", "_send"),
    ("contest.api.views_judging", "contest.entries.attachment_views", "_send"),
    ("contest.judging.views_files", "contest.entries.attachment_views", "_send"),
    ("contest.publication.demo", "contest.entries.demo", "_seed_edition"),
}

#: Package dependencies that close a cycle today, allowed until they are inverted (each is a
#: lower package reaching up, mostly by a late import inside a function): (from, to).
#: The layers, bottom up: audit, jobs, areas, contests, accounts, entries, judging, results,
#: publication, certificates, national, reports, then announcements, season, main, api, ops.
#: Add none.
CYCLE_ALLOWED: set[tuple[str, str]] = {
    ("accounts", "judging"),  # accounts/operations.py (a judge's assignments on role removal)
    ("areas", "accounts"),  # areas/groups.py, operations.py, views*.py (coordinators)
    ("areas", "contests"),  # areas/snapshots.py
    ("areas", "entries"),  # areas/snapshots.py
    ("contests", "entries"),  # contests/pages_support.py (late)
    ("contests", "publication"),  # contests/public_views.py
    ("entries", "judging"),  # entries/imports.py, entries/operations.py (late)
    ("jobs", "accounts"),  # jobs/models.py, jobs/views.py
    ("judging", "publication"),  # judging/discussion_digest.py
}


def feature_packages() -> set[str]:
    """The packages directly under ``contest/`` (directories with an ``__init__.py``)."""
    return {p.name for p in CONTEST.iterdir() if (p / "__init__.py").is_file()}


def module_name(path: Path) -> str:
    """``contest/results/compile.py`` → ``contest.results.compile``."""
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """``(absolute module, [imported names], line)`` for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(alias.name, [], node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            out.append((target, [alias.name for alias in node.names], node.lineno))
    return out


def package_of(module: str, packages: set[str]) -> str | None:
    """The feature package of a ``contest.…`` module, or None (top-level modules, others)."""
    parts = module.split(".")
    if len(parts) >= 2 and parts[0] == "contest" and parts[1] in packages:
        return parts[1]
    return None


def sources() -> list[Path]:
    return sorted(CONTEST.rglob("*.py"))


def dependency_graph() -> tuple[dict[str, set[str]], dict[tuple[str, str], list[str]]]:
    """Package → packages it imports, and where each edge comes from."""
    packages = feature_packages()
    graph: dict[str, set[str]] = defaultdict(set)
    where: dict[tuple[str, str], list[str]] = defaultdict(list)
    for path in sources():
        mine = package_of(module_name(path), packages)
        if mine is None:
            continue
        for target, names, line in imports(path):
            candidates = [target] + [f"{target}.{n}" for n in names]
            for theirs in {package_of(c, packages) for c in candidates} - {None, mine}:
                if (mine, theirs) in CYCLE_ALLOWED:
                    continue
                graph[mine].add(theirs)
                where[(mine, theirs)].append(f"{path.relative_to(ROOT)}:{line}")
    return graph, where


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one package (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(set(graph) | {n for ns in graph.values() for n in ns}):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_between_feature_packages():
    graph, where = dependency_graph()
    problems = []
    for component in cycles(graph):
        edges = [
            f"  {a} → {b}: {', '.join(where[(a, b)][:3])}"
            for a in component
            for b in sorted(graph[a])
            if b in component
        ]
        problems.append(" ↔ ".join(component) + "\n" + "\n".join(edges))
    assert not problems, "import cycles between packages:\n" + "\n".join(problems)


def test_no_private_name_imported_from_another_package():
    packages = feature_packages()
    problems = []
    for path in sources():
        here = module_name(path)
        mine = package_of(here, packages)
        for target, names, line in imports(path):
            theirs = package_of(target, packages)
            if target.startswith("contest") and theirs != mine:
                private = [n for n in names if n.startswith("_") and not n.startswith("__")]
                private += [p for p in target.split(".") if p.startswith("_") and p != "__init__"]
                for name in private:
                    if (here, target, name) not in PRIVATE_ALLOWED:
                        problems.append(f"{path.relative_to(ROOT)}:{line}: {target} {name}")
    assert not problems, "private names imported across packages:\n" + "\n".join(problems)


def test_the_checks_see_a_cycle_and_a_private_import(tmp_path):
    """The two checks above would fail: a cycle and a private import are found."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []
    sample = CONTEST / "judging" / "panels.py"
    found = {(target, tuple(names)) for target, names, _line in imports(sample)}
    assert ("contest.judging.totals", ()) not in found  # relative imports resolve…
    assert any(target == "contest.audit.operations" for target, _n in found)  # …absolutely


def test_every_allowed_exception_still_exists():
    """An exception that was fixed leaves the allow-lists (so they only shrink)."""
    packages = feature_packages()
    edges, private = set(), set()
    for path in sources():
        here = module_name(path)
        mine = package_of(here, packages)
        for target, names, _line in imports(path):
            candidates = [target] + [f"{target}.{n}" for n in names]
            for theirs in {package_of(c, packages) for c in candidates} - {None, mine}:
                edges.add((mine, theirs))
            private |= {(here, target, n) for n in names}
    assert CYCLE_ALLOWED - edges == set()
    assert PRIVATE_ALLOWED - private == set()
