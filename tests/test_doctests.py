"""The examples in the package's docstrings run as tests (`make test` runs them with the rest)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import migrakg

MODULES = sorted(m.name for m in pkgutil.walk_packages(migrakg.__path__, "migrakg."))


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    failures, _tried = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert failures == 0
