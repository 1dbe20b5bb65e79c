"""The shipped Hypothesis strategies: valid values, resolving datasets, type registration."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import shanghai_innovation as si
from shanghai_innovation import testing
from shanghai_innovation._load import check_references
from shanghai_innovation._records import RECORD_TYPES

PUBLIC_TYPES: tuple[type[Any], ...] = (
    si.Quantity,
    si.Interval,
    si.PartialDate,
    si.Period,
    si.Locator,
    si.Citation,
    si.DatasetInfo,
    si.Dataset,
    *RECORD_TYPES,
)

#: Whole generated datasets cost tens of milliseconds each (the Parquet round
#: trip more), so their laws run a third of the profile's examples, at least 25,
#: and generation that is slow on a loaded machine is not a failure.
DATASET_SETTINGS = settings(
    max_examples=max(25, settings().max_examples // 3),
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("cls", PUBLIC_TYPES, ids=lambda c: c.__name__)
def test_from_type_finds_every_public_type(cls: type[Any]) -> None:
    """st.from_type gives instances of each public type once the hook has run."""

    # Registration, not a property: a few examples show the strategy is the right one.
    @settings(max_examples=10)
    @given(st.from_type(cls))
    def check(value: Any) -> None:
        assert isinstance(value, cls)
        if attrs.has(cls):
            attrs.validate(value)

    check()


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_record_strategies_pass_validators(cls: type[si.Record]) -> None:
    """Rebuilding a generated record through its validators succeeds and is equal."""

    @given(st.from_type(cls))
    def check(record: si.Record) -> None:
        assert record == attrs.evolve(record)  # type: ignore[misc]

    check()


@DATASET_SETTINGS
@given(testing.datasets())
def test_datasets_are_consistent(dataset: si.Dataset) -> None:
    """Generated datasets pass the loader's cross-table checks; ids are globally unique."""
    assert [] == check_references(dataset)
    ids = [record.id for record in dataset.records()]
    assert len(ids) == len(set(ids))
    assert dataset.sources
    assert dataset.entities


@given(testing.quantities(units=[si.Unit.PERCENT]))
def test_quantities_respect_the_requested_units(quantity: si.Quantity) -> None:
    """The units= argument restricts the generated unit."""
    assert si.Unit.PERCENT == quantity.unit


@given(testing.metrics(entity_ids=["a", "b"], metric_ids=[], reference_ids=[]))
def test_pools_constrain_references(metric: si.Metric) -> None:
    """Given pools, references come only from them; an empty pool means none."""
    assert metric.subject in {"a", "b"}
    assert set(metric.entities) <= {"a", "b"}
    assert metric.change_of is None
    assert metric.part_of is None
    assert () == metric.references


@given(testing.errata())
def test_generated_errata_acknowledge_only_real_rules(erratum: si.Erratum) -> None:
    """An erratum's rules are drawn from the audit's registry."""
    from shanghai_innovation._audit import RULES  # noqa: PLC0415

    assert set(erratum.rules) <= {rule.id for rule in RULES}


def _python(code: str) -> str:
    """Run code in a fresh interpreter; it must succeed. Returns its stripped output."""
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=120
    )
    assert 0 == result.returncode, result.stderr
    return result.stdout.strip()


def test_entry_point_registers_strategies_downstream() -> None:
    """A fresh interpreter gets the strategies through the hypothesis entry point alone."""
    code = (
        "from hypothesis import strategies as st\n"
        "from shanghai_innovation import Metric\n"
        "m = st.from_type(Metric).example()\n"
        "assert isinstance(m, Metric), m\n"
        "print('ok')\n"
    )
    assert "ok" == _python(code)


def test_importing_the_package_does_not_import_hypothesis() -> None:
    """The strategies are a separate submodule: the base import stays light."""
    code = (
        "import sys, shanghai_innovation\n"
        "print('hypothesis' in sys.modules, 'shanghai_innovation.testing' in sys.modules)\n"
    )
    assert "False False" == _python(code)


def test_importing_the_strategies_before_hypothesis_works() -> None:
    """Importing the strategies first (Hypothesis then runs the hook early) still registers."""
    code = (
        "import shanghai_innovation.testing\n"
        "from hypothesis import strategies as st\n"
        "from shanghai_innovation import Streak\n"
        "assert isinstance(st.from_type(Streak).example(), Streak)\n"
        "print('ok')\n"
    )
    assert "ok" == _python(code)
