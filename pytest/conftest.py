"""Shared fixtures: the forkless binary under test.

The suite is run by `cargo test` (tests/pytest.rs), which builds forkless
and passes its path in FORKLESS.
"""
import os

import pytest


@pytest.fixture(scope="session")
def forkless():
    path = os.environ.get("FORKLESS")
    if not path or not os.access(path, os.X_OK):
        pytest.fail("set FORKLESS to the forkless binary (cargo test does)")
    return path
