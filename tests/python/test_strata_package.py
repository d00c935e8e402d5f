"""Packaging quality: the installed package is typed (py.typed, stubs that
cover the extension) and every public name has a docstring."""

from __future__ import annotations

import ast
import inspect
import pathlib

import strata
from strata import _strata

PKG = pathlib.Path(strata.__file__).parent


def test_package_ships_marker_and_stubs():
    assert (PKG / "py.typed").is_file()
    assert (PKG / "_strata.pyi").is_file()
    assert strata.__version__


def _stub_names() -> set[str]:
    tree = ast.parse((PKG / "_strata.pyi").read_text())
    names = {n.name for n in tree.body if isinstance(n, (ast.ClassDef, ast.FunctionDef))}
    return names | {n.target.id for n in tree.body if isinstance(n, ast.AnnAssign)}


def test_stubs_cover_the_extension():
    public = {n for n in vars(_strata) if not n.startswith("_")}
    assert public - _stub_names() == set()


def test_stubs_name_every_field():
    tree = ast.parse((PKG / "_strata.pyi").read_text())
    stubbed = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            names = {n.target.id for n in node.body if isinstance(n, ast.AnnAssign)}
            names |= {n.name for n in node.body if isinstance(n, ast.FunctionDef)}
            stubbed[node.name] = names
    for name, cls in vars(_strata).items():
        fields = getattr(cls, "_fields", None)
        if isinstance(cls, type) and isinstance(fields, tuple):
            assert set(fields) <= stubbed[name], name


def test_every_public_name_has_a_docstring():
    missing = []
    for name in strata.__all__:
        obj = getattr(strata, name)
        if not (inspect.getdoc(obj) or "").strip():
            missing.append(name)
        if inspect.isclass(obj) and not hasattr(obj, "__members__"):  # enums: pybind11's own
            for attr, value in vars(obj).items():
                if attr.startswith("_") or not (inspect.isfunction(value) or isinstance(value, property)):
                    continue
                if not (inspect.getdoc(value) or "").strip():
                    missing.append(f"{name}.{attr}")
    pybind11_views = {"ItemsView", "KeysView", "ValuesView"}  # pybind11's own helpers
    for name in sorted(set(dir(_strata)) - pybind11_views):
        obj = getattr(_strata, name)
        if not name.startswith("_") and callable(obj) and not (obj.__doc__ or "").strip():
            missing.append(f"_strata.{name}")
    assert missing == []


def test_all_names_exist():
    for name in strata.__all__:
        assert hasattr(strata, name), name
