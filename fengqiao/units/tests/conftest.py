"""The cases app's units and dispatch catalogue fixture serves the units actions' tests."""

from fengqiao.cases.tests.conftest import units  # noqa: F401
