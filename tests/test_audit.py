"""The audit: every rule catches a planted fault; the command fails on unacknowledged errors."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from shanghai_innovation import (
    Confidence,
    Dataset,
    Erratum,
    ErratumKind,
    Interval,
    Locator,
    PartialDate,
    Period,
    Qualifier,
    Quantity,
    RankingPosition,
    Record,
    Section,
    Unit,
)
from shanghai_innovation._audit import (
    RULES,
    Finding,
    Severity,
    check,
    exit_status,
    findings_to_json,
    findings_to_text,
)
from shanghai_innovation._audit import (
    article_periods as _article_periods,
)
from shanghai_innovation._audit import (
    exceeds as _exceeds,
)
from shanghai_innovation._audit import (
    overlap as _overlap,
)
from shanghai_innovation._audit import (
    plausible as _plausible,
)
from shanghai_innovation._audit.lookup import describe as _describe
from shanghai_innovation._audit.lookup import severity_of
from shanghai_innovation._audit.numbers import amount as _amount
from shanghai_innovation._audit.numbers import num as _num
from shanghai_innovation._audit.numbers import pct as _pct
from shanghai_innovation._audit.numbers import range_text as _range_text
from shanghai_innovation._audit.numbers import scale as _scale
from shanghai_innovation._cli import main
from shanghai_innovation._load import load
from shanghai_innovation.testing import datasets, partial_dates, quantities, rankings

from .conftest import DATA_DIR

#: Whole generated datasets cost tens of milliseconds each (the Parquet round
#: trip more), so their laws run a third of the profile's examples, at least 25,
#: and generation that is slow on a loaded machine is not a failure.
DATASET_SETTINGS = settings(
    max_examples=max(25, settings().max_examples // 3),
    suppress_health_check=[HealthCheck.too_slow],
)

# --- helpers ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real() -> Dataset:
    """The bundled dataset."""
    return load()


def replace(ds: Dataset, id: str, **changes: Any) -> Dataset:
    """The dataset with one record's fields changed."""
    record = ds.lookup(id)
    new = attrs.evolve(record, **changes)  # type: ignore[misc]
    table = tuple(new if r.id == id else r for r in ds.table(record.table))
    return attrs.evolve(ds, **{record.table: table})


def add(ds: Dataset, record: Record) -> Dataset:
    """The dataset with one more record."""
    return attrs.evolve(ds, **{record.table: (*ds.table(record.table), record)})


def without_errata(ds: Dataset) -> Dataset:
    """The dataset with no errata, so nothing is acknowledged."""
    return attrs.evolve(ds, errata=())


def found(ds: Dataset, rule: str) -> list[Finding]:
    """The findings of one rule."""
    return [f for f in check(ds) if f.rule == rule]


def amount(value: int | str, unit: Unit, qualifier: Qualifier = Qualifier.EXACT) -> Quantity:
    """A quantity from exact text."""
    return Quantity(Fraction(value), unit, qualifier)


CORRECT_RD_2019 = amount(152_460_000_000, Unit.CNY)

# --- the registry ---------------------------------------------------------------------

EXPECTED_RULES = (
    "rank-movement",
    "streak-first-year",
    "mentions-agree",
    "pledge-target-year",
    "growth-vs-baseline",
    "part-within-whole",
    "event-in-period",
    "event-before-publication",
    "as-of-before-publication",
    "share-of-gdp",
    "national-total",
    "exchange-rate",
    "count-vs-reference",
    "unverified-reference",
    "textual-fault",
)


def test_registry_lists_every_rule_with_a_description() -> None:
    """Rules have fixed ids, in report order, each with a one-line description."""
    assert EXPECTED_RULES == tuple(rule.id for rule in RULES)
    for rule in RULES:
        assert rule.description
        assert "\n" not in rule.description


# --- one planted fault per rule -------------------------------------------------------


def test_rank_movement_catches_a_wrong_movement(real: Dataset) -> None:
    """Up two places from eighth to fifth is wrong: eighth to fifth is up three."""
    assert [] == found(real, "rank-movement")
    ds = replace(real, "nature-index-2020-shanghai", movement=2)
    [finding] = found(ds, "rank-movement")
    assert Severity.ERROR == finding.severity
    assert ("nature-index-2020-shanghai",) == finding.records
    assert "+2" in finding.message
    assert "+3" in finding.message
    assert not finding.acknowledged
    assert 1 == exit_status(check(ds))


def test_streak_first_year_catches_a_length_the_references_contradict(real: Dataset) -> None:
    """A seven-year streak to 2020 starts in 2014, not in 2013 as the references count."""
    assert [] == found(real, "streak-first-year")
    ds = replace(real, "favourite-city-of-foreigners", length=7)
    findings = found(ds, "streak-first-year")
    assert {"ref-favorite-city", "ref-favorite-city-2017"} == {
        ref for f in findings for ref in f.references
    }
    assert all(Severity.ERROR == f.severity for f in findings)
    assert all("2014" in f.message and "2013" in f.message for f in findings)


def test_streak_first_year_on_weak_references_is_a_warning(real: Dataset) -> None:
    """Built only on low-confidence references, the rule reports a warning at most."""
    ds = replace(real, "favourite-city-of-foreigners", length=7)
    for ref in ("ref-favorite-city", "ref-favorite-city-2017"):
        ds = replace(ds, ref, confidence=Confidence.LOW)
    findings = found(ds, "streak-first-year")
    assert findings
    assert all(Severity.WARNING == f.severity for f in findings)


def test_mentions_agree_catches_two_streak_mentions_that_differ(real: Dataset) -> None:
    """The favourite-city streak stated twice must start in the same year both times."""
    assert [] == found(real, "mentions-agree")
    ds = replace(real, "favourite-city-of-foreigners-highlight", length=9)
    [finding] = found(ds, "mentions-agree")
    assert Severity.ERROR == finding.severity
    assert {"favourite-city-of-foreigners", "favourite-city-of-foreigners-highlight"} == set(
        finding.records
    )
    assert "2012" in finding.message
    assert "2013" in finding.message


def test_mentions_agree_catches_two_number_mentions_that_differ(real: Dataset) -> None:
    """A number repeated in the standfirst must agree with the body's."""
    ds = replace(
        real,
        "advanced-technology-companies-standfirst",
        quantity=amount(12000, Unit.COUNT, Qualifier.NEARLY),
    )
    [finding] = found(ds, "mentions-agree")
    assert {"advanced-technology-companies-standfirst", "advanced-technology-companies"} == set(
        finding.records
    )


def test_mentions_agree_catches_an_earlier_rank_stated_differently(real: Dataset) -> None:
    """A 2016 place stated on its own must equal the earlier place of the 2020 record."""
    base = real.lookup("nature-index-2020-shanghai")
    assert isinstance(base, RankingPosition)
    earlier = attrs.evolve(
        base,
        id="nature-index-2016-shanghai",
        edition=2016,
        rank=6,
        previous_rank=None,
        previous_year=None,
        movement=None,
        references=(),
    )
    [finding] = found(add(real, earlier), "mentions-agree")
    assert {"nature-index-2020-shanghai", "nature-index-2016-shanghai"} == set(finding.records)


def test_pledge_target_year_catches_a_goal_already_due(real: Dataset) -> None:
    """2015 plus 4 years is 2019, before the 2020 article: flagged."""
    assert [] == found(real, "pledge-target-year")
    ds = replace(real, "global-innovation-hub-pledge", horizon=amount(4, Unit.YEARS))
    [finding] = found(ds, "pledge-target-year")
    assert Severity.WARNING == finding.severity
    assert "2015 + 4 years = 2019" in finding.message


def test_pledge_target_year_catches_a_pledge_made_after_publication(real: Dataset) -> None:
    """A pledge dated after the article was published is an error."""
    ds = replace(real, "global-innovation-hub-pledge", made=PartialDate(2021))
    [finding] = found(ds, "pledge-target-year")
    assert Severity.ERROR == finding.severity


def test_growth_vs_baseline_flags_the_real_spending_figure(real: Dataset) -> None:
    """1.5 trillion against about 95 billion in 2015 is some sixteen-fold, not two-thirds up."""
    [finding] = found(real, "growth-vs-baseline")
    assert Severity.ERROR == finding.severity
    assert "15.8 times" in finding.message
    assert "+60.5 %, which fits" in finding.message
    assert {"ref-rd-2016-implied-2015", "ref-rd-2019"} <= set(finding.references)


def test_growth_vs_baseline_catches_growth_that_does_not_fit(real: Dataset) -> None:
    """With the official 2019 figure, the growth fits; a stated one-third then does not."""
    fixed = replace(without_errata(real), "rd-spending-2019", quantity=CORRECT_RD_2019)
    assert [] == found(fixed, "growth-vs-baseline")
    ds = replace(fixed, "rd-spending-growth-2015-2019", quantity=amount("1/3", Unit.RATIO))
    [finding] = found(ds, "growth-vs-baseline")
    assert "1/3" in finding.message
    assert "+60.5 %, which does not fit either" in finding.message
    assert 1 == exit_status(check(ds))


def test_part_within_whole_catches_a_part_larger_than_its_whole(real: Dataset) -> None:
    """61 Nobel laureates cannot be among only 50 scientists."""
    assert [] == found(real, "part-within-whole")
    ds = replace(real, "world-laureates-forum-2020-scientists", quantity=amount(50, Unit.COUNT))
    [finding] = found(ds, "part-within-whole")
    assert (
        "world-laureates-forum-2020-nobel-laureates",
        "world-laureates-forum-2020-scientists",
    ) == finding.records
    assert Severity.ERROR == finding.severity


def test_part_within_whole_catches_more_entities_than_the_count(real: Dataset) -> None:
    """The vaccine counted among the vaccines in development cannot be one of zero."""
    ds = replace(real, "covid-vaccines-in-development", quantity=amount(0, Unit.COUNT))
    [finding] = found(ds, "part-within-whole")
    assert "covid-vaccines-in-development" == finding.records[0]
    assert "1 entities" in finding.message


def test_event_in_period_catches_an_event_outside_the_five_years(real: Dataset) -> None:
    """A timeline entry dated 2015 lies outside the article's 2016-2020 period."""
    assert [] == found(real, "event-in-period")
    ds = replace(real, "2020-01-09-institutes-open", date=PartialDate(2015, 6, 1))
    [finding] = found(ds, "event-in-period")
    assert "2020-01-09-institutes-open" == finding.records[0]
    assert "2016/2020" in finding.message
    assert [] == found(ds, "event-before-publication")


def test_event_before_publication_catches_an_event_after_the_article(real: Dataset) -> None:
    """A timeline entry dated 2021 is after the 2020-12-31 publication."""
    assert [] == found(real, "event-before-publication")
    ds = replace(real, "2020-01-09-institutes-open", date=PartialDate(2021, 1, 9))
    [finding] = found(ds, "event-before-publication")
    assert ("2020-01-09-institutes-open", "shine-2020-12-31") == finding.records
    assert "2020-12-31" in finding.message
    assert found(ds, "event-in-period")
    late = replace(real, "favourite-city-of-foreigners", latest_year=2021, length=9)
    [finding] = found(late, "event-before-publication")
    assert "completed in 2021" in finding.message


def test_as_of_before_publication_catches_a_date_after_the_article(real: Dataset) -> None:
    """'By November' may not describe a month after publication."""
    assert [] == found(real, "as-of-before-publication")
    ds = replace(real, "approved-drugs", as_of=PartialDate(2021, 2))
    [finding] = found(ds, "as-of-before-publication")
    assert Severity.ERROR == finding.severity
    early = replace(real, "shine-2020-12-31", published=PartialDate(2020, 11, 15).start)
    warnings = [
        f for f in found(early, "as-of-before-publication") if "approved-drugs" in f.records
    ]
    assert [Severity.WARNING] == [f.severity for f in warnings]


def test_share_of_gdp_flags_the_real_spending_figure(real: Dataset) -> None:
    """1.5 trillion yuan would be 39.3 % of the 2019 GDP, against about 4 %."""
    [finding] = found(real, "share-of-gdp")
    assert Severity.ERROR == finding.severity
    assert "39.3 %" in finding.message
    assert {"ref-gdp-2019", "ref-rd-2019-intensity"} <= set(finding.references)
    assert finding.acknowledged


def test_share_of_gdp_catches_a_planted_amount(real: Dataset) -> None:
    """The official figure passes; twice it (about 8 % of GDP) does not."""
    fixed = replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019)
    assert [] == found(fixed, "share-of-gdp")
    ds = replace(fixed, "rd-spending-2019", quantity=amount(304_920_000_000, Unit.CNY))
    [finding] = found(ds, "share-of-gdp")
    assert "8.0 %" in finding.message
    assert Severity.ERROR == finding.severity


def test_share_of_gdp_on_weak_references_is_a_warning(real: Dataset) -> None:
    """When only a low-confidence intensity disagrees, the finding is a warning."""
    ds = replace(real, "rd-spending-2019", quantity=amount(304_920_000_000, Unit.CNY))
    ds = replace(ds, "ref-rd-2019-intensity", confidence=Confidence.LOW)
    [finding] = found(ds, "share-of-gdp")
    assert Severity.WARNING == finding.severity


def test_national_total_catches_a_city_above_half_the_country(real: Dataset) -> None:
    """1.5 trillion is 67.8 % of China's 2.214 trillion: impossible for one city."""
    ds = replace(real, "shanghai", part_of="china")
    [finding] = found(ds, "national-total")
    assert Severity.ERROR == finding.severity
    assert "67.8 %" in finding.message
    assert ("ref-china-rd-2019",) == finding.references
    fixed = replace(ds, "rd-spending-2019", quantity=CORRECT_RD_2019)
    assert [] == found(fixed, "national-total")
    over = replace(ds, "rd-spending-2019", quantity=amount(3_000_000_000_000, Unit.CNY))
    [finding] = found(over, "national-total")
    assert "more than the whole" in finding.message


def test_exchange_rate_finds_the_real_conversion_plausible(real: Dataset) -> None:
    """1.5 trillion yuan for 224 billion dollars is 6.70 per dollar: plausible, info."""
    [finding] = found(real, "exchange-rate")
    assert Severity.INFO == finding.severity
    assert (
        "rd-spending-2019: over 1.5 trillion CNY for 224 billion USD implies 6.70 CNY per USD, "
        "within the reference rates 6.536 to 6.908 (ref-cny-usd-2019, ref-cny-usd-2020, "
        "ref-cny-usd-2020-nbs, ref-cny-usd-2020-12): the two amounts agree (which checks neither)"
    ) == finding.message
    assert "ref-cny-usd-2015" not in finding.references


def test_exchange_rate_catches_an_implausible_conversion(real: Dataset) -> None:
    """100 billion dollars for 1.5 trillion yuan is 15 per dollar: an error."""
    ds = replace(real, "rd-spending-2019", equivalent=amount(100_000_000_000, Unit.USD))
    [finding] = found(ds, "exchange-rate")
    assert Severity.ERROR == finding.severity
    assert "15.00" in finding.message


def test_count_vs_reference_flags_the_district_count(real: Dataset) -> None:
    """All 12 districts against the reference 16: an error, acknowledged by an erratum."""
    [finding] = found(real, "count-vs-reference")
    assert ("service-window-districts",) == finding.records
    assert Severity.ERROR == finding.severity
    assert finding.acknowledged
    [open_finding] = found(without_errata(real), "count-vs-reference")
    assert not open_finding.acknowledged


def test_count_vs_reference_follows_the_planted_count_and_confidence(real: Dataset) -> None:
    """16 districts pass; with a low-confidence reference 12 is only a warning."""
    assert [] == found(
        replace(real, "service-window-districts", quantity=amount(16, Unit.COUNT)),
        "count-vs-reference",
    )
    weak = replace(real, "ref-districts", confidence=Confidence.LOW)
    [finding] = found(weak, "count-vs-reference")
    assert Severity.WARNING == finding.severity


def test_unverified_reference_flags_records_on_weak_references(real: Dataset) -> None:
    """The Nature Index 2016 place and the GII rank rest on low-confidence references."""
    flagged = {f.records[0] for f in found(real, "unverified-reference")}
    assert {"nature-index-2020-shanghai", "gii-2020-shanghai"} <= flagged
    assert all(Severity.WARNING == f.severity for f in found(real, "unverified-reference"))
    weak = replace(real, "ref-districts", confidence=Confidence.LOW)
    assert "service-window-districts" in {f.records[0] for f in found(weak, "unverified-reference")}


def test_textual_fault_reports_every_garbled_erratum(real: Dataset) -> None:
    """A garbled-words erratum always yields a finding, acknowledged by that erratum."""
    [finding] = found(real, "textual-fault")
    assert ("hard-x-day-device",) == finding.records
    assert finding.acknowledged
    planted = Erratum(
        id="erratum-planted-garble",
        kind=ErratumKind.GARBLED,
        record="zhang-quan",
        field_name="name",
        stated="Zhang Qaun",
        explanation="A planted transposition of two letters.",
    )
    findings = found(add(real, planted), "textual-fault")
    assert ["hard-x-day-device", "zhang-quan"] == [f.records[0] for f in findings]
    assert not findings[1].acknowledged


# --- acknowledgement, exit status and output ----------------------------------------------


def test_an_erratum_acknowledges_only_its_rule_and_record(real: Dataset) -> None:
    """An erratum naming the rule but another record leaves the finding open."""
    ds = replace(real, "erratum-service-window-districts", record="shanghai")
    [finding] = found(ds, "count-vs-reference")
    assert not finding.acknowledged
    ds = replace(real, "erratum-service-window-districts", rules=("share-of-gdp",))
    [finding] = found(ds, "count-vs-reference")
    assert not finding.acknowledged


def test_exit_status_is_zero_only_when_every_error_is_acknowledged() -> None:
    """Warnings and acknowledged errors pass; one open error fails."""
    ok = Finding("r", Severity.ERROR, ["a"], "m", acknowledged=True)
    warn = Finding("r", Severity.WARNING, ["a"], "m")
    bad = Finding("r", Severity.ERROR, ["a"], "m")
    assert 0 == exit_status([])
    assert 0 == exit_status([ok, warn])
    assert 1 == exit_status([ok, warn, bad])


def test_check_defaults_to_the_bundled_data() -> None:
    """check() with no argument audits the bundled dataset: as a fresh read of data/ audits."""
    fresh = load(DATA_DIR)
    assert fresh is not load()
    expected = check(fresh)
    assert TODAY == [(f.rule, f.severity.value, f.records, f.acknowledged) for f in expected]
    assert expected == check()


def test_the_real_data_passes_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    """Every error in the bundled data is acknowledged, so `check` exits 0."""
    assert 0 == main(["check"])
    out = capsys.readouterr().out
    assert "every error is acknowledged by an erratum" in out


def test_an_unacknowledged_error_fails_the_command(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A wrong movement planted in the TOML makes `check --data` exit 1 and name the rule."""
    rankings = data_copy / "rankings.toml"
    text = rankings.read_text(encoding="utf-8")
    assert "movement = 3\n" in text
    rankings.write_text(text.replace("movement = 3\n", "movement = 2\n"), encoding="utf-8")
    assert 1 == main(["check", "--data", str(data_copy)])
    out = capsys.readouterr().out
    assert "error: rank-movement: nature-index-2020-shanghai\n" in out
    assert "1 error is not acknowledged by any erratum" in out


def test_removing_an_erratum_fails_the_command(
    data_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the errata file's entries the real errors are open and `check` exits 1."""
    (data_copy / "errata.toml").write_text("# no errata\n", encoding="utf-8")
    assert 1 == main(["check", "--data", str(data_copy)])
    assert "share-of-gdp" in capsys.readouterr().out


def test_json_output_shape(capsys: pytest.CaptureFixture[str]) -> None:
    """`check --json` prints a list of objects with exactly the seven documented keys."""
    assert 0 == main(["check", "--json"])
    items = json.loads(capsys.readouterr().out)
    assert isinstance(items, list)
    assert items
    for item in items:
        keys = {"rule", "severity", "records", "message", "references", "acknowledged", "errata"}
        assert keys == set(item)
        assert item["severity"] in {"error", "warning", "info"}
        assert isinstance(item["records"], list)
        assert isinstance(item["references"], list)
        assert isinstance(item["acknowledged"], bool)
        assert item["acknowledged"] == bool(item["errata"])
    assert json.loads(findings_to_json(check())) == items


def test_text_output_lists_each_finding_and_a_summary(real: Dataset) -> None:
    """The text report has a line per finding, its message, and a closing summary."""
    findings = check(real)
    text = findings_to_text(findings)
    for f in findings:
        assert f.message in text
    assert text.splitlines()[-2].startswith(f"{len(findings)} findings: ")
    assert "every error is acknowledged by an erratum" == text.splitlines()[-1]


# --- the audit over any dataset ------------------------------------------------------------


@DATASET_SETTINGS
@given(datasets())
def test_check_runs_on_any_consistent_dataset(dataset: Dataset) -> None:
    """No rule crashes; findings are deterministic and name records and references that exist."""
    findings = check(dataset)
    assert findings == check(dataset)
    ids = {r.id for r in dataset.records()}
    refs = {r.id for r in dataset.references}
    order = [rule.id for rule in RULES]
    assert [f.rule for f in findings] == sorted((f.rule for f in findings), key=order.index)
    covered = {(rule, e.record) for e in dataset.errata for rule in e.rules}
    for f in findings:
        assert set(f.records) <= ids
        assert set(f.references) <= refs
        assert f.message
        assert f.acknowledged == any((f.rule, r) in covered for r in f.records)
    open_error = any(f.severity is Severity.ERROR and not f.acknowledged for f in findings)
    assert int(open_error) == exit_status(findings)


@given(
    rankings(
        ids=["planted-ranking"],
        entity_ids=["shanghai", "nature-index-science-cities"],
        reference_ids=[],
        source_ids=["shine-2020-12-31"],
    )
)
def test_rank_movement_fires_exactly_when_the_subtraction_fails(ranking: RankingPosition) -> None:
    """A generated ranking is flagged iff it states a movement other than previous minus rank."""
    ds = attrs.evolve(load(), rankings=(ranking,))
    wrong = ranking.computed_movement is not None and ranking.movement not in (
        None,
        ranking.computed_movement,
    )
    assert wrong == bool(found(ds, "rank-movement"))


@given(st.integers(1, 40), st.integers(1990, 2030))
@example(8, 2020)  # the real streak: 2013 to 2020
@example(7, 2020)  # a year short
@example(9, 2020)  # a year long
@example(8, 2021)  # the same length, a year later
def test_streak_first_year_fires_exactly_when_the_start_years_differ(
    length: int, latest: int
) -> None:
    """A streak disagrees with the references iff its first year is not 2013."""
    real = load()
    ds = replace(real, "favourite-city-of-foreigners", length=length, latest_year=latest)
    fired = bool(found(ds, "streak-first-year"))
    assert (latest - length + 1 != 2013) == fired


# --- today's findings on the real data --------------------------------------------------

TODAY = [
    ("growth-vs-baseline", "error", ("rd-spending-2019", "rd-spending-growth-2015-2019"), True),
    ("share-of-gdp", "error", ("rd-spending-2019",), True),
    ("national-total", "error", ("rd-spending-2019",), True),
    ("exchange-rate", "info", ("rd-spending-2019",), False),
    ("count-vs-reference", "error", ("service-window-districts",), True),
    ("unverified-reference", "warning", ("2020-12-09-gii-clusters",), True),
    ("unverified-reference", "warning", ("nature-index-2020-shanghai",), True),
    ("unverified-reference", "warning", ("gii-2020-shanghai",), True),
    ("textual-fault", "warning", ("hard-x-day-device",), True),
]


def test_todays_findings_on_the_real_data(real: Dataset) -> None:
    """Pin the audit of the bundled data: rule, severity, records, acknowledged."""
    actual = [(f.rule, f.severity.value, f.records, f.acknowledged) for f in check(real)]
    assert TODAY == actual


def test_a_finding_names_the_errata_that_acknowledge_it(real: Dataset) -> None:
    """Finding.errata lists each erratum naming the rule and one of the records, in file order."""
    expected = [
        (
            f.rule,
            tuple(e.id for e in real.errata if f.rule in e.rules and e.record in f.records),
        )
        for f in check(real)
    ]
    actual = [(f.rule, f.errata) for f in check(real)]
    assert expected == actual
    assert [bool(errata) for _, errata in actual] == [f.acknowledged for f in check(real)]
    assert ("erratum-rd-spending-2019",) == check(real)[0].errata


def test_two_errata_on_one_finding_are_both_named(real: Dataset) -> None:
    """A second erratum listing the same rule and record is named too, after the first."""
    first = real.lookup("erratum-rd-spending-2019")
    assert isinstance(first, Erratum)
    second = attrs.evolve(first, id="erratum-rd-spending-2019-again")
    ds = attrs.evolve(real, errata=(*real.errata, second))
    finding = next(f for f in check(ds) if f.rule == "share-of-gdp")
    assert ("erratum-rd-spending-2019", "erratum-rd-spending-2019-again") == finding.errata


PUBLISHED = dt.date(2020, 12, 31)


@given(partial_dates(2000, 2030))
@example(PartialDate(2020, 12, 31))  # the day of publication
@example(PartialDate(2021, 1, 1))  # the day after
@example(PartialDate(2020))
@example(PartialDate(2016, 1, 1))  # the first day of the period
@example(PartialDate(2015, 12, 31))  # the day before
@example(PartialDate(2016))
def test_event_rules_fire_exactly_for_dates_outside_their_bounds(date: PartialDate) -> None:
    """An event after 2020-12-31 is flagged as such; one outside 2016-2020 as out of period."""
    ds = replace(load(), "2020-01-09-institutes-open", date=date)
    assert (date.start > PUBLISHED) == bool(found(ds, "event-before-publication"))
    inside = dt.date(2016, 1, 1) <= date.start and date.end <= PUBLISHED
    assert (not inside) == bool(found(ds, "event-in-period"))


@given(partial_dates(2019, 2022))
@example(PartialDate(2020, 12, 31))  # ends on the day of publication
@example(PartialDate(2020, 12))
@example(PartialDate(2021, 1, 1))  # starts the day after
@example(PartialDate(2021))
def test_as_of_is_an_error_after_publication_and_a_warning_across_it(date: PartialDate) -> None:
    """An as-of date starting after publication is an error; one running past it a warning."""
    ds = replace(load(), "approved-drugs", as_of=date)
    severities = [f.severity for f in found(ds, "as-of-before-publication")]
    if date.start > PUBLISHED:
        assert [Severity.ERROR] == severities
    elif date.end > PUBLISHED:
        assert [Severity.WARNING] == severities
    else:
        assert [] == severities


@given(st.integers(0, 1000), st.integers(0, 1000))
@example(500, 500)  # a part as large as its whole
@example(501, 500)
@example(0, 0)
def test_part_within_whole_fires_exactly_when_the_part_is_larger(part: int, whole: int) -> None:
    """Stated exactly, a part is flagged iff it exceeds its whole."""
    ds = replace(
        load(), "world-laureates-forum-2020-nobel-laureates", quantity=amount(part, Unit.COUNT)
    )
    ds = replace(ds, "world-laureates-forum-2020-scientists", quantity=amount(whole, Unit.COUNT))
    assert (part > whole) == bool(found(ds, "part-within-whole"))


@given(st.integers(150, 350))
@example(241)  # 6.22 yuan per dollar: just inside 5 % below 6.5361
@example(242)  # 6.198: just outside
@example(206)  # 7.282: just outside 5 % above 6.9081
@example(207)  # 7.246: just inside
def test_exchange_rate_is_info_exactly_within_the_reference_band(billions: int) -> None:
    """1.5 trillion yuan for N billion dollars is plausible iff the rate is near 6.54-6.91."""
    usd = amount(billions * 10**9, Unit.USD)
    [finding] = found(replace(load(), "rd-spending-2019", equivalent=usd), "exchange-rate")
    rate = Fraction(1_500_000_000_000, billions * 10**9)
    low, high = Fraction("6.5361") * Fraction(95, 100), Fraction("6.9081") * Fraction(105, 100)
    expected = Severity.INFO if low <= rate <= high else Severity.ERROR
    assert expected == finding.severity


@given(quantities(), quantities(), st.fractions(min_value=-(10**16), max_value=10**16))
def test_overlap_is_symmetric_and_found_whenever_a_value_lies_in_both(
    a: Quantity, b: Quantity, x: Fraction
) -> None:
    """The interval test the rules share: symmetric, and true whenever some value is in both."""
    ia, ib = _plausible(a), _plausible(b)
    assert _overlap(ia, ib) == _overlap(ib, ia)
    if x in ia and x in ib:
        assert _overlap(ia, ib)
    if _exceeds(ia, ib):
        assert not _overlap(ia, ib)
        assert x not in ia or x not in ib


@given(quantities())
def test_a_hedge_of_closeness_is_a_band_around_the_value(q: Quantity) -> None:
    """'nearly' and 'about' widen to 15 % around the value; other hedges keep their bounds."""
    band = _plausible(q)
    assert (q.value in band) == (q.value in q.bounds)
    if q.bounds.close_to is None:
        assert q.bounds == band
    else:  # 15 %, written out: not computed from CLOSE
        assert band.lower == q.value - abs(q.value) * Fraction(15, 100)


def test_errata_cite_only_registered_rules(real: Dataset) -> None:
    """Every rule id an erratum of the bundled data lists is a rule of the audit."""
    known = {rule.id for rule in RULES}
    assert [] == [(e.id, r) for e in real.errata for r in e.rules if r not in known]


def test_article_period_is_the_widest_derived_span_containing_publication(real: Dataset) -> None:
    """Of two derived spans containing the publication date, the wider one is the article's."""
    narrow = Period(PartialDate(2018), PartialDate(2020), derived=True, derivation="planted")
    wide = Period(PartialDate(2019), PartialDate(2025), derived=True, derivation="planted")
    ds = replace(real, "rd-spending-share-of-gdp", period=narrow)
    ds = replace(ds, "planning-horizon", period=wide)
    ((period, metric),) = _article_periods(ds).values()
    assert (wide, "planning-horizon") == (period, metric)
    # The real data: the past five years, 2016-2020 (the next five start after publication).
    ((period, _),) = _article_periods(real).values()
    assert "2016/2020" == str(period)


# --- boundaries (issue 15): expectations written out, not computed from the constants ----


@pytest.mark.parametrize(
    ("qualifier", "inside", "outside"),
    [
        # "about 200" is taken as 170 to 230, both ends included.
        (Qualifier.ABOUT, ["170", "230", "200"], ["16999/100", "23001/100"]),
        # "nearly 200" is 170 up to 200 itself.
        (Qualifier.NEARLY, ["170", "200", "199"], ["16999/100", "20001/100"]),
    ],
)
def test_a_hedge_of_closeness_allows_fifteen_percent_either_side(
    qualifier: Qualifier, inside: list[str], outside: list[str]
) -> None:
    """Each end of the band is inside; a hundredth beyond either end is outside."""
    band = _plausible(amount(200, Unit.COUNT, qualifier))
    assert [True] * len(inside) == [Fraction(v) in band for v in inside]
    assert [False] * len(outside) == [Fraction(v) in band for v in outside]


@pytest.mark.parametrize(
    ("qualifier", "lower", "upper"),
    [
        (Qualifier.ABOUT, Fraction(170), Fraction(230)),
        (Qualifier.NEARLY, Fraction(170), Fraction(200)),
        (Qualifier.EXACT, Fraction(200), Fraction(200)),
        (Qualifier.AT_LEAST, Fraction(200), None),
        (Qualifier.UNDER, None, Fraction(200)),
    ],
)
def test_plausible_bounds_of_each_hedge(
    qualifier: Qualifier, lower: Fraction | None, upper: Fraction | None
) -> None:
    """The interval the rules compare: the band for nearly/about, the plain bounds otherwise."""
    band = _plausible(amount(200, Unit.COUNT, qualifier))
    assert (lower, upper) == (band.lower, band.upper)


def test_mentions_agree_at_the_edge_of_a_hedge(real: Dataset) -> None:
    """'Nearly 16,000' agrees with 13,600 (15 % below) and disagrees with 13,599."""
    standfirst = "advanced-technology-companies-standfirst"
    body = real.lookup("advanced-technology-companies")
    assert amount(16000, Unit.COUNT, Qualifier.NEARLY) == getattr(body, "quantity", None)
    edge = replace(real, standfirst, quantity=amount(13600, Unit.COUNT))
    assert [] == found(edge, "mentions-agree")
    beyond = replace(real, standfirst, quantity=amount(13599, Unit.COUNT))
    assert 1 == len(found(beyond, "mentions-agree"))
    over = replace(real, standfirst, quantity=amount(16001, Unit.COUNT))
    assert 1 == len(found(over, "mentions-agree"))


HALF_OF_CHINA_RD = 1_107_000_000_000  # ref-china-rd-2019 is 2,214 billion yuan


@pytest.mark.parametrize(
    ("spending", "verdict"),
    [
        (HALF_OF_CHINA_RD - 1, None),
        (HALF_OF_CHINA_RD, None),  # exactly half: still plausible for one part
        (HALF_OF_CHINA_RD + 1, "more than 50.0 % of it, implausible for one part"),
        (2_214_000_000_000, "more than 50.0 % of it, implausible for one part"),
        (2_214_000_000_001, "more than the whole"),
    ],
)
def test_national_total_at_half_and_at_the_whole(
    real: Dataset, spending: int, verdict: str | None
) -> None:
    """A city's amount up to half the national total passes; above half is flagged."""
    ds = replace(real, "shanghai", part_of="china")
    ds = replace(ds, "rd-spending-2019", quantity=amount(spending, Unit.CNY), equivalent=None)
    findings = found(ds, "national-total")
    assert ([] if verdict is None else [True]) == [
        f.message.endswith(f"(ref-china-rd-2019), {verdict}") for f in findings
    ]


def test_national_total_follows_the_ancestors_and_their_confidence(real: Dataset) -> None:
    """The total of a grandparent counts too; on a low-confidence total it is a warning."""
    ds = replace(real, "shanghai", part_of="yangtze-delta-planted")
    china = real.lookup("china")
    planted = attrs.evolve(  # type: ignore[misc]
        china, id="yangtze-delta-planted", name="Planted region", part_of="china"
    )
    ds = add(ds, planted)
    [finding] = found(ds, "national-total")
    assert (Severity.ERROR, ("ref-china-rd-2019",)) == (finding.severity, finding.references)
    assert "for china (ref-china-rd-2019)" in finding.message
    weak = replace(ds, "ref-china-rd-2019", confidence=Confidence.LOW)
    assert [Severity.WARNING] == [f.severity for f in found(weak, "national-total")]


@pytest.mark.parametrize(
    ("yuan", "expected"),
    [
        # The reference rates for 2019-2020 run from 6.5361 to 6.9081 yuan per
        # dollar; 5 % beyond them gives 6.209295 to 7.253505.
        (6_209_294, Severity.ERROR),
        (6_209_295, Severity.INFO),
        (6_700_000, Severity.INFO),
        (7_253_505, Severity.INFO),
        (7_253_506, Severity.ERROR),
    ],
)
def test_exchange_rate_at_the_edges_of_the_tolerance(
    real: Dataset, yuan: int, expected: Severity
) -> None:
    """Yuan for one million dollars: plausible exactly from 6,209,295 to 7,253,505."""
    ds = replace(
        real,
        "rd-spending-2019",
        quantity=amount(yuan, Unit.CNY),
        equivalent=amount(1_000_000, Unit.USD),
    )
    [finding] = found(ds, "exchange-rate")
    assert expected == finding.severity
    assert "6.536 to 6.908" in finding.message
    assert [
        "ref-cny-usd-2019",
        "ref-cny-usd-2020",
        "ref-cny-usd-2020-nbs",
        "ref-cny-usd-2020-12",
    ] == list(finding.references)


def test_exchange_rate_with_the_pair_reversed_and_on_weak_references(real: Dataset) -> None:
    """A dollar amount with its yuan equivalent is read the same way; weak rates warn."""
    ds = replace(
        real,
        "rd-spending-2019",
        quantity=amount(1_000_000, Unit.USD),
        equivalent=amount(9_000_000, Unit.CNY),
    )
    [finding] = found(ds, "exchange-rate")
    assert (Severity.ERROR, "9.00") == (finding.severity, finding.message.split("implies ")[1][:4])
    for ref in ("ref-cny-usd-2019", "ref-cny-usd-2020", "ref-cny-usd-2020-nbs"):
        ds = replace(ds, ref, confidence=Confidence.LOW)
    [finding] = found(ds, "exchange-rate")
    assert Severity.ERROR == finding.severity  # one rate (2020-12) is of medium confidence
    ds = replace(ds, "ref-cny-usd-2020-12", confidence=Confidence.LOW)
    [finding] = found(ds, "exchange-rate")
    assert Severity.WARNING == finding.severity


@pytest.mark.parametrize(
    ("horizon", "expected"),
    [
        (4, [Severity.WARNING]),  # 2019: already due
        (5, [Severity.WARNING]),  # 2020: due in the year of publication
        (6, []),  # 2021: still ahead
    ],
)
def test_pledge_due_in_the_publication_year_is_already_due(
    real: Dataset, horizon: int, expected: list[Severity]
) -> None:
    """2015 plus 5 years is 2020, the article's own year: the goal has fallen due."""
    ds = replace(real, "global-innovation-hub-pledge", horizon=amount(horizon, Unit.YEARS))
    findings = found(ds, "pledge-target-year")
    assert expected == [f.severity for f in findings]
    if findings:
        assert f"2015 + {horizon} years = {2014 + horizon + 1}" in findings[0].message


@pytest.mark.parametrize(
    ("made", "expected"),
    [
        (PartialDate(2020, 12, 31), []),  # on the day of publication
        (PartialDate(2021, 1, 1), [Severity.ERROR]),  # the day after
        (PartialDate(2020), []),
    ],
)
def test_pledge_made_on_the_day_of_publication_is_fine(
    real: Dataset, made: PartialDate, expected: list[Severity]
) -> None:
    """A pledge made on the publication day passes; one made the day after is an error."""
    ds = replace(real, "global-innovation-hub-pledge", made=made)
    assert expected == [f.severity for f in found(ds, "pledge-target-year")]


GDP_2019 = 3_815_500_000_000  # ref-gdp-2019: about 3,815.5 billion yuan


@pytest.mark.parametrize(
    ("spending", "over_whole"),
    [(GDP_2019, False), (GDP_2019 + 1, True)],
)
def test_share_of_gdp_flags_rd_above_gdp(real: Dataset, spending: int, over_whole: bool) -> None:
    """R&D spending above the GDP itself is more than the whole economy: an error."""
    ds = replace(real, "rd-spending-2019", quantity=amount(spending, Unit.CNY), equivalent=None)
    # Even when the only intensity disagreeing is weak, above the GDP stays an error.
    ds = replace(ds, "ref-rd-2019-intensity", confidence=Confidence.LOW)
    [finding] = found(ds, "share-of-gdp")
    assert over_whole == ("more than the whole economy" in finding.message)
    assert (Severity.ERROR if over_whole else Severity.WARNING) == finding.severity
    assert "100.0 % of the 2019 GDP" in finding.message


def test_share_of_gdp_on_a_weak_gdp_is_a_warning(real: Dataset) -> None:
    """A share worked out from a low-confidence GDP is a warning, even when it contradicts."""
    ds = replace(real, "ref-gdp-2019", confidence=Confidence.LOW)
    [finding] = found(ds, "share-of-gdp")
    assert Severity.WARNING == finding.severity


def test_share_of_gdp_names_a_stated_intensity_that_disagrees(real: Dataset) -> None:
    """A stated intensity of the same year that disagrees is named and makes it an error."""
    fixed = replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019)
    assert [] == found(fixed, "share-of-gdp")
    ds = replace(fixed, "rd-spending-share-of-gdp", quantity=amount(8, Unit.PERCENT))
    ds = replace(ds, "ref-rd-2019-intensity", confidence=Confidence.LOW)
    [finding] = found(ds, "share-of-gdp")
    assert Severity.ERROR == finding.severity
    assert ("rd-spending-2019", "rd-spending-share-of-gdp") == finding.records
    assert "consistent only with ref-rd-2019-intensity" in finding.message


@pytest.mark.parametrize(
    ("confidences", "expected"),
    [
        ((), Severity.ERROR),
        ((Confidence.HIGH,), Severity.ERROR),
        ((Confidence.MEDIUM,), Severity.ERROR),
        ((Confidence.LOW,), Severity.WARNING),
        ((Confidence.LOW, Confidence.LOW), Severity.WARNING),
        ((Confidence.LOW, Confidence.HIGH), Severity.ERROR),
        ((Confidence.HIGH, Confidence.LOW), Severity.ERROR),
    ],
)
def test_severity_drops_to_a_warning_only_when_every_reference_is_weak(
    real: Dataset, confidences: tuple[Confidence, ...], expected: Severity
) -> None:
    """An error rests on any solid reference; only all-low-confidence ones make it a warning."""
    base = real.lookup("ref-districts")
    refs = [attrs.evolve(base, confidence=c) for c in confidences]  # type: ignore[misc]
    assert expected == severity_of(refs)


def test_an_undated_count_is_checked_against_a_dated_reference(real: Dataset) -> None:
    """A count with no date meets the reference of any year; one of another year does not."""
    undated = replace(real, "service-window-districts", as_of=None, as_of_derivation=None)
    [finding] = found(undated, "count-vs-reference")
    assert ("service-window-districts",) == finding.records
    assert "in 2020" in finding.message
    other_year = replace(real, "service-window-districts", as_of=PartialDate(2019))
    assert [] == found(other_year, "count-vs-reference")
    undated_ref = replace(real, "ref-districts", as_of=None)
    [finding] = found(undated_ref, "count-vs-reference")
    assert finding.message.endswith("gives 16 for shanghai")


def test_an_erratum_naming_a_findings_second_record_acknowledges_it(real: Dataset) -> None:
    """A finding on (part, whole) is acknowledged by an erratum about the whole."""
    ds = replace(real, "world-laureates-forum-2020-scientists", quantity=amount(50, Unit.COUNT))
    erratum = Erratum(
        id="erratum-planted-whole",
        kind=ErratumKind.WRONG,
        record="world-laureates-forum-2020-scientists",
        field_name="quantity",
        stated="50",
        explanation="A planted count, smaller than a part of it.",
        rules=("part-within-whole",),
    )
    [finding] = found(add(ds, erratum), "part-within-whole")
    assert "world-laureates-forum-2020-scientists" == finding.records[1]
    assert finding.acknowledged
    [finding] = found(ds, "part-within-whole")
    assert not finding.acknowledged


def test_text_summary_counts_acknowledged_errors(real: Dataset) -> None:
    """The summary says how many errors and warnings are known and how many are still open."""
    text = findings_to_text(check(real), real.errata).splitlines()
    assert [
        "9 findings: 4 errors (4 known), 4 warnings (4 known), 1 info",
        "every error is acknowledged by an erratum",
    ] == text[-2:]
    text = findings_to_text(check(without_errata(real))).splitlines()
    assert (
        [
            "8 findings: 4 errors (0 known), 3 warnings (0 known), 1 info",  # no garbled words
            "4 errors are not acknowledged by any erratum",
        ]
        == text[-2:]
    )
    one = [Finding("r", Severity.ERROR, ["a", "b"], "m", ["x"])]
    assert [
        "Open: no erratum explains these (1 finding):",
        "",
        "error: r: a, b",
        "    m",
        "    references: x",
        "",
        "1 finding: 1 error (0 known), 0 warnings (0 known), 0 info",
        "1 error is not acknowledged by any erratum",
    ] == findings_to_text(one).splitlines()
    acknowledged = [
        Finding("r", Severity.ERROR, ["a"], "m", acknowledged=True),
        Finding("s", Severity.WARNING, ["b"], "n"),
    ]
    assert [
        "Open: no erratum explains these (1 finding):",
        "",
        "warning: s: b",
        "    n",
        "",
        "Known and explained: an erratum in the data acknowledges each; they do not fail the "
        "check (1 finding):",
        "",
        "known error, r: a",
        "    m",
        "",
        "2 findings: 1 error (1 known), 1 warning (0 known), 0 info",
        "every error is acknowledged by an erratum",
    ] == findings_to_text(acknowledged).splitlines()


# --- the numbers the messages print ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Fraction(1_500_000_000_000), "1.5 trillion"),
        (Fraction(10**12), "1 trillion"),
        (Fraction(10**12 - 1), "1000 billion"),
        (Fraction(94_000_000_000), "94 billion"),
        (Fraction(10**9), "1 billion"),
        (Fraction(84_500_000), "84.5 million"),
        (Fraction(10**6), "1 million"),
        (Fraction(999_999), "999999"),
        (Fraction(16000), "16000"),
        (Fraction(-2 * 10**9), "-2 billion"),
        (Fraction(6696, 1000), "6.696"),
        (Fraction(2, 3), "0.6667"),
        (Fraction(0), "0"),
    ],
)
def test_num_writes_large_numbers_in_words(value: Fraction, text: str) -> None:
    """Trillions, billions and millions from exactly one of each; smaller whole numbers as is."""
    assert text == _num(value)


@pytest.mark.parametrize(
    ("quantity", "text"),
    [
        (amount(1_500_000_000_000, Unit.CNY, Qualifier.OVER), "over 1.5 trillion CNY"),
        (amount(16000, Unit.COUNT, Qualifier.NEARLY), "nearly 16000"),
        (amount("3.5", Unit.PERCENT, Qualifier.AT_LEAST), "at least 3.5 %"),
        (amount("2/3", Unit.RATIO, Qualifier.NEARLY), "nearly 2/3 (+66.7 %)"),
        (amount("6.9081", Unit.CNY_PER_USD), "6.908 CNY/USD"),
    ],
)
def test_amount_writes_a_quantity_with_its_hedge(quantity: Quantity, text: str) -> None:
    """A hedge, the number in words, then the unit; a ratio also as a signed percentage."""
    assert text == _amount(quantity)


def test_pct_is_signed_unless_asked_not_to_be() -> None:
    """A change prints with its sign, a share without."""
    assert ("+62.2 %", "-10.0 %", "50.0 %") == (
        _pct(Fraction(622, 1000)),
        _pct(Fraction(-1, 10)),
        _pct(Fraction(1, 2), signed=False),
    )


@pytest.mark.parametrize(
    ("interval", "text"),
    [
        (Interval(Fraction(5), True, Fraction(5), True), "5"),
        (Interval(Fraction(5), True, Fraction(9), True), "5 to 9"),
        (Interval(Fraction(5), True, None, False), "at least 5"),
        (Interval(Fraction(5), False, None, False), "above 5"),
        (Interval(None, False, Fraction(9), True), "at most 9"),
        (Interval(None, False, Fraction(9), False), "below 9"),
        (Interval(None, False, None, False), "any value"),
    ],
)
def test_range_text_names_each_kind_of_bound(interval: Interval, text: str) -> None:
    """A point, a range, an open end at or beyond a bound, or no bound at all."""
    assert text == _range_text(interval)


def test_scale_moves_both_ends_and_keeps_their_inclusion() -> None:
    """interval * factor + shift, open ends stay open, inclusion kept."""
    interval = Interval(Fraction(2), False, Fraction(4), True)
    assert Interval(Fraction(5), False, Fraction(11), True) == _scale(
        interval, Fraction(3), Fraction(-1)
    )
    assert Interval(Fraction(6), True, None, False) == _scale(
        Interval(Fraction(2), True, None, False), Fraction(3)
    )


@pytest.mark.parametrize(
    ("a", "b", "overlaps", "a_exceeds_b"),
    [
        # touching at 5, both ends included: one shared value
        ((1, True, 5, True), (5, True, 9, True), True, False),
        # touching at 5, one end open: nothing shared
        ((1, True, 5, False), (5, True, 9, True), False, False),
        ((1, True, 5, True), (5, False, 9, True), False, False),
        ((5, False, 9, True), (1, True, 5, True), False, True),
        ((5, True, 9, True), (1, True, 5, False), False, True),
        ((5, True, 9, True), (1, True, 5, True), True, False),
        # apart
        ((6, True, 9, True), (1, True, 5, True), False, True),
        ((1, True, 5, True), (6, True, 9, True), False, False),
        # nested, and open on one side
        ((1, True, 9, True), (3, True, 4, True), True, False),
        ((None, False, 3, True), (2, True, None, False), True, False),
        ((None, False, 3, True), (4, True, None, False), False, False),
        ((4, True, None, False), (None, False, 3, True), False, True),
        ((4, True, None, False), (None, False, None, False), True, False),
    ],
)
def test_overlap_and_exceeds_at_touching_ends(
    a: tuple[Any, ...], b: tuple[Any, ...], overlaps: bool, a_exceeds_b: bool
) -> None:
    """Intervals meeting at one value overlap only when both hold it; above is wholly above."""

    def interval(lower: int | None, low_in: bool, upper: int | None, up_in: bool) -> Interval:
        return Interval(
            None if lower is None else Fraction(lower),
            low_in,
            None if upper is None else Fraction(upper),
            up_in,
        )

    ia, ib = interval(*a), interval(*b)
    assert (overlaps, overlaps) == (_overlap(ia, ib), _overlap(ib, ia))
    assert a_exceeds_b == _exceeds(ia, ib)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # a single value against intervals open or unbounded on one side
        ((5, True, 5, True), (None, False, None, False), True),
        ((5, True, 5, True), (3, False, None, False), True),
        ((5, True, 5, True), (None, False, 7, False), True),
        ((5, True, 5, True), (3, False, 7, False), True),
        # equal lower ends: the value is shared only if both include it
        ((5, True, 5, True), (5, False, 9, True), False),
        ((5, True, 5, True), (5, True, 9, True), True),
        ((5, False, 9, True), (5, True, 5, True), False),
        # equal upper ends, likewise
        ((5, True, 5, True), (1, True, 5, False), False),
        ((5, True, 5, True), (1, True, 5, True), True),
        ((1, True, 5, False), (5, True, 5, True), False),
    ],
)
def test_overlap_of_a_single_value(a: tuple[Any, ...], b: tuple[Any, ...], expected: bool) -> None:
    """A one-value interval overlaps another exactly when that value lies in the other."""

    def interval(lower: int | None, low_in: bool, upper: int | None, up_in: bool) -> Interval:
        return Interval(
            None if lower is None else Fraction(lower),
            low_in,
            None if upper is None else Fraction(upper),
            up_in,
        )

    ia, ib = interval(*a), interval(*b)
    assert (expected, expected) == (_overlap(ia, ib), _overlap(ib, ia))


def test_national_total_stops_at_a_cycle_of_part_of(real: Dataset) -> None:
    """Shanghai in China in Shanghai: the chain is followed once, and China's total still counts."""
    ds = replace(real, "shanghai", part_of="china")
    ds = replace(ds, "china", part_of="shanghai")
    [finding] = found(ds, "national-total")
    assert ("ref-china-rd-2019",) == finding.references


def _intensity(real: Dataset, **changes: Any) -> Dataset:
    """The data with a stated R&D intensity of 8 % planted, and the real 2019 spending."""
    base = real.lookup("rd-spending-share-of-gdp")
    planted = attrs.evolve(  # type: ignore[misc]
        base, id="planted-intensity", quantity=amount(8, Unit.PERCENT), **changes
    )
    return add(replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019), planted)


def test_share_of_gdp_reads_an_intensity_dated_in_the_year(real: Dataset) -> None:
    """An intensity as of 2019 speaks of 2019; one as of 2018, or undated, does not."""
    [finding] = found(_intensity(real, period=None, as_of=PartialDate(2019)), "share-of-gdp")
    assert ("rd-spending-2019", "planted-intensity") == finding.records
    assert [] == found(_intensity(real, period=None, as_of=PartialDate(2018)), "share-of-gdp")
    assert [] == found(_intensity(real, period=None, as_of=None), "share-of-gdp")
    spanning = Period(PartialDate(2018), PartialDate(2019))
    assert 1 == len(found(_intensity(real, period=spanning), "share-of-gdp"))
    after = Period(PartialDate(2020), PartialDate(2021))
    assert [] == found(_intensity(real, period=after), "share-of-gdp")


def test_a_single_year_period_counts_as_that_year(real: Dataset) -> None:
    """Spending over the period 2019-2019 is checked as 2019's; over 2018-2019 it has no year."""
    one_year = Period(PartialDate(2019), PartialDate(2019))
    ds = replace(real, "rd-spending-2019", as_of=None, period=one_year)
    assert 1 == len(found(ds, "share-of-gdp"))
    two_years = Period(PartialDate(2018), PartialDate(2019))
    ds = replace(real, "rd-spending-2019", as_of=None, period=two_years)
    assert [] == found(ds, "share-of-gdp")


def prepend(ds: Dataset, record: Record) -> Dataset:
    """The dataset with one more record, first in its table."""
    return attrs.evolve(ds, **{record.table: (record, *ds.table(record.table))})


def test_reference_figures_in_another_unit_or_without_a_number_are_passed_over(
    real: Dataset,
) -> None:
    """A GDP in dollars, or one with no number, listed first, changes nothing in the share."""
    expected = [(f.records, f.references, f.message) for f in found(real, "share-of-gdp")]
    gdp = real.lookup("ref-gdp-2019")
    in_dollars = attrs.evolve(  # type: ignore[misc]
        gdp, id="ref-gdp-2019-usd", quantity=amount(552_000_000_000, Unit.USD)
    )
    no_number = attrs.evolve(gdp, id="ref-gdp-2019-none", quantity=None)  # type: ignore[misc]
    for planted in (in_dollars, no_number):
        ds = prepend(real, planted)
        assert expected == [(f.records, f.references, f.message) for f in found(ds, "share-of-gdp")]


@pytest.mark.parametrize(
    ("record_id", "text"),
    [
        ("rd-spending-2019", "rd-spending-2019 (over 1.5 trillion CNY)"),
        (
            "nature-index-2020-shanghai",
            "nature-index-2020-shanghai (rank 5 in 2020, after 8 in 2016)",
        ),
        ("gii-2020-shanghai", "gii-2020-shanghai (rank 9 in 2020)"),
        ("favourite-city-of-foreigners", "favourite-city-of-foreigners (8 years to 2020)"),
        ("2020-01-09-institutes-open", "2020-01-09-institutes-open (2020-01-09)"),
        ("shanghai", "shanghai"),
        ("global-innovation-hub-pledge", "global-innovation-hub-pledge"),
    ],
)
def test_describe_states_what_a_record_says(real: Dataset, record_id: str, text: str) -> None:
    """Messages describe a number by its amount, a rank by its places, a streak by its years."""
    assert text == _describe(real.lookup(record_id))


def test_share_of_gdp_reads_a_period_from_its_first_year(real: Dataset) -> None:
    """An intensity over 2019-2020 speaks of 2019, its first year."""
    spanning = Period(PartialDate(2019), PartialDate(2020))
    [finding] = found(_intensity(real, period=spanning), "share-of-gdp")
    assert "planted-intensity" in finding.records


def test_a_reference_id_that_names_no_reference_is_passed_over(real: Dataset) -> None:
    """A cited id with no reference record behind it neither counts nor crashes a rule."""
    ds = replace(real, "gii-2020-shanghai", references=("no-such-reference", "ref-gii-2020"))
    [finding] = [f for f in found(ds, "unverified-reference") if "gii-2020-shanghai" in f.records]
    assert ("ref-gii-2020",) == finding.references


def test_records_of_an_unknown_source_are_not_dated_by_it(real: Dataset) -> None:
    """A pledge located in a source the data does not hold has no publication to compare with."""
    base = real.lookup("global-innovation-hub-pledge")
    elsewhere = attrs.evolve(  # type: ignore[misc]
        base,
        id="planted-pledge-elsewhere",
        horizon=amount(1, Unit.YEARS),
        locator=Locator("another-source", Section.INTRODUCTION, 1),
    )
    due = replace(real, "global-innovation-hub-pledge", horizon=amount(4, Unit.YEARS))
    ds = attrs.evolve(due, pledges=(elsewhere, *due.pledges))
    assert [("global-innovation-hub-pledge", "shine-2020-12-31")] == [
        f.records for f in found(ds, "pledge-target-year")
    ]


def test_rank_movement_checks_every_ranking_after_a_correct_one(real: Dataset) -> None:
    """A wrong movement in the last ranking is found after correct ones."""
    base = real.lookup("nature-index-2020-shanghai")
    wrong = attrs.evolve(base, id="planted-ranking", movement=2)  # type: ignore[misc]
    assert [("planted-ranking",)] == [f.records for f in found(add(real, wrong), "rank-movement")]


def test_streak_first_year_checks_every_reference(real: Dataset) -> None:
    """A streak agreeing with its first reference is still checked against the second."""
    ds = replace(real, "ref-favorite-city-2017", quantity=amount(6, Unit.YEARS))
    streak = ("favourite-city-of-foreigners",)
    [finding] = [f for f in found(ds, "streak-first-year") if streak == f.records]
    assert ("ref-favorite-city-2017",) == finding.references
    assert "puts the start in 2012" in finding.message
    # A cited reference that counts no years is passed over, not the end of the check.
    cited = ("ref-gdp-2019", "ref-favorite-city", "ref-favorite-city-2017")
    first = replace(ds, "favourite-city-of-foreigners", references=cited)
    assert [("ref-favorite-city-2017",)] == [
        f.references for f in found(first, "streak-first-year") if streak == f.records
    ]


def test_mentions_agree_compares_neighbouring_metrics(real: Dataset) -> None:
    """A second mention right after the first, saying another number, is found."""
    last = real.metrics[-1]
    copy = attrs.evolve(  # type: ignore[misc]
        last, id="planted-mention", quantity=amount(62, Unit.COUNT)
    )
    [finding] = found(add(real, copy), "mentions-agree")
    assert (last.id, "planted-mention") == finding.records


def test_mentions_agree_pairs_metrics_of_one_indicator_worded_differently(real: Dataset) -> None:
    """Two numbers of the same indicator, subject and date are one fact, whatever the wording."""
    base = real.lookup("service-window-districts")
    copy = attrs.evolve(  # type: ignore[misc]
        base,
        id="planted-districts",
        measure="Districts, worded another way",
        quantity=amount(3, Unit.COUNT),
    )
    [finding] = found(add(real, copy), "mentions-agree")
    assert ("service-window-districts", "planted-districts") == finding.records
    unrelated = attrs.evolve(copy, indicator=None)  # type: ignore[misc]
    assert [] == found(add(real, unrelated), "mentions-agree")


def test_article_period_ignores_spans_that_do_not_contain_publication(real: Dataset) -> None:
    """A wider derived span starting after publication is not the article's period."""
    later = Period(PartialDate(2021), PartialDate(2035), derived=True, derivation="planted")
    ds = replace(real, "planning-horizon", period=later)
    ((period, metric),) = _article_periods(ds).values()
    assert ("2016/2020", "rd-spending-share-of-gdp") == (str(period), metric)


def test_article_period_keeps_the_first_of_equally_wide_spans(real: Dataset) -> None:
    """Another metric with the same span, later in the file, does not take the period over."""
    base = real.lookup("rd-spending-share-of-gdp")
    copy = attrs.evolve(base, id="planted-same-span")  # type: ignore[misc]
    ((_, metric),) = _article_periods(add(real, copy)).values()
    assert "rd-spending-share-of-gdp" == metric


def test_event_rules_check_every_event_after_one_of_an_unknown_source(real: Dataset) -> None:
    """An event located in a source the data does not hold does not end the check."""
    base = real.lookup("2020-01-09-institutes-open")
    elsewhere = attrs.evolve(  # type: ignore[misc]
        base,
        id="planted-event-elsewhere",
        date=PartialDate(2010),
        locator=Locator("another-source", Section.HIGHLIGHTS, 1),
    )
    ds = replace(real, "2020-01-09-institutes-open", date=PartialDate(2015, 6, 1))
    ds = attrs.evolve(ds, events=(elsewhere, *ds.events))
    assert ["2020-01-09-institutes-open"] == [f.records[0] for f in found(ds, "event-in-period")]


def test_share_of_gdp_passes_over_a_gdp_of_zero(real: Dataset) -> None:
    """A GDP figure of 0 listed first is skipped; the real one after it is still used."""
    expected = [(f.records, f.references) for f in found(real, "share-of-gdp")]
    gdp = real.lookup("ref-gdp-2019")
    zero = attrs.evolve(gdp, id="ref-gdp-zero", quantity=amount(0, Unit.CNY))  # type: ignore[misc]
    with_zero = found(prepend(real, zero), "share-of-gdp")
    assert expected == [(f.records, f.references) for f in with_zero]
    tiny = replace(real, "ref-gdp-2019", quantity=amount(1, Unit.CNY))
    [finding] = found(tiny, "share-of-gdp")
    assert "more than the whole economy" in finding.message


def test_share_of_gdp_checks_every_gdp_figure_of_the_year(real: Dataset) -> None:
    """After a GDP figure the spending agrees with, a second one it does not is still checked."""
    fixed = replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019)
    gdp = real.lookup("ref-gdp-2019")
    half = attrs.evolve(  # type: ignore[misc]
        gdp, id="ref-gdp-2019-planted", quantity=amount(1_900_000_000_000, Unit.CNY)
    )
    [finding] = found(add(fixed, half), "share-of-gdp")
    assert ("ref-gdp-2019-planted", "ref-rd-2019-intensity") == finding.references


def test_share_of_gdp_cites_only_references(real: Dataset) -> None:
    """A stated intensity that disagrees is named among the records, not the references."""
    fixed = replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019)
    ds = replace(fixed, "rd-spending-share-of-gdp", quantity=amount(8, Unit.PERCENT))
    [finding] = found(ds, "share-of-gdp")
    assert (("rd-spending-2019", "rd-spending-share-of-gdp"), ("ref-gdp-2019",)) == (
        finding.records,
        finding.references,
    )


def test_national_total_needs_a_year_and_goes_on_past_what_it_skips(real: Dataset) -> None:
    """Undated amounts are not compared with a year's total; skipped metrics end nothing."""
    ds = replace(real, "shanghai", part_of="china")
    undated = replace(ds, "rd-spending-2019", as_of=None)
    assert [] == found(undated, "national-total")
    base = real.lookup("rd-spending-2019")
    share = attrs.evolve(  # type: ignore[misc]
        real.lookup("rd-spending-share-of-gdp"),
        id="planted-share",
        period=None,
        as_of=PartialDate(2019),
    )
    capped = attrs.evolve(  # type: ignore[misc]
        base, id="planted-capped", quantity=amount(5, Unit.CNY, Qualifier.UP_TO), equivalent=None
    )
    ds = attrs.evolve(ds, metrics=(share, capped, *ds.metrics))
    assert [("rd-spending-2019",)] == [f.records for f in found(ds, "national-total")]


def test_national_total_message_and_every_figure_of_the_whole(real: Dataset) -> None:
    """The share prints unsigned; a second total of the same year is checked after a first."""
    ds = replace(real, "shanghai", part_of="china")
    [finding] = found(ds, "national-total")
    assert "in 2019 is 67.8 % of the total of 2.214 trillion for china" in finding.message
    fixed = replace(ds, "rd-spending-2019", quantity=CORRECT_RD_2019, equivalent=None)
    total = real.lookup("ref-china-rd-2019")
    small = attrs.evolve(  # type: ignore[misc]
        total, id="ref-china-rd-planted", quantity=amount(200_000_000_000, Unit.CNY)
    )
    [finding] = found(add(fixed, small), "national-total")
    assert ("ref-china-rd-planted",) == finding.references


def test_exchange_rate_skips_what_it_cannot_check_and_goes_on(real: Dataset) -> None:
    """A zero dollar amount, or a pair with no reference rate, is skipped, not the end."""
    base = real.lookup("rd-spending-2019")
    zero = attrs.evolve(  # type: ignore[misc]
        base, id="planted-zero-dollars", equivalent=amount(0, Unit.USD)
    )
    unrated = attrs.evolve(  # type: ignore[misc]
        base,
        id="planted-unrated",
        as_of=PartialDate(2010),
        locator=Locator("another-source", Section.INTRODUCTION, 1),
    )
    ds = attrs.evolve(real, metrics=(zero, unrated, *real.metrics))
    assert [("rd-spending-2019",)] == [f.records for f in found(ds, "exchange-rate")]
    one_dollar = replace(
        real, "rd-spending-2019", quantity=amount(7, Unit.CNY), equivalent=amount(1, Unit.USD)
    )
    [finding] = found(one_dollar, "exchange-rate")
    assert Severity.INFO == finding.severity


def test_json_output_keeps_words_as_written_and_indents_by_two() -> None:
    """`check --json` writes non-ASCII words as they are, two spaces per level."""
    text = findings_to_json([Finding("r", Severity.INFO, ["a"], "Zhāngjiāng")])
    assert ["[", "  {", '    "rule": "r",'] == text.splitlines()[:3]
    assert '    "message": "Zhāngjiāng",' in text.splitlines()


def test_share_of_gdp_names_what_disagrees_and_errs_on_any_stated_conflict(real: Dataset) -> None:
    """The message lists what disagrees; a stated intensity among weak references is an error."""
    [finding] = found(real, "share-of-gdp")
    assert "; against ref-rd-2019-intensity (" in finding.message
    fixed = replace(real, "rd-spending-2019", quantity=CORRECT_RD_2019)
    ds = replace(fixed, "rd-spending-share-of-gdp", quantity=amount(8, Unit.PERCENT))
    ds = replace(
        ds, "ref-rd-2019-intensity", quantity=amount(9, Unit.PERCENT), confidence=Confidence.LOW
    )
    [finding] = found(ds, "share-of-gdp")
    assert Severity.ERROR == finding.severity
    against = "; against rd-spending-share-of-gdp (8 %), ref-rd-2019-intensity (9 %)"
    assert against in finding.message


def test_national_total_passes_over_a_total_of_zero(real: Dataset) -> None:
    """A national total of 0 is skipped; one of 1 yuan is a total like any other."""
    ds = replace(real, "shanghai", part_of="china")
    total = real.lookup("ref-china-rd-2019")
    zero = attrs.evolve(total, id="ref-china-zero", quantity=amount(0, Unit.CNY))  # type: ignore[misc]
    assert [("ref-china-rd-2019",)] == [
        f.references for f in found(prepend(ds, zero), "national-total")
    ]
    one = replace(ds, "ref-china-rd-2019", quantity=amount(1, Unit.CNY))
    [finding] = found(one, "national-total")
    assert finding.message.endswith("more than the whole")


def test_count_vs_reference_goes_on_after_a_reference_that_agrees(real: Dataset) -> None:
    """A count that agrees with one reference figure is still checked against the next."""
    base = real.lookup("ref-districts")
    agreeing = attrs.evolve(  # type: ignore[misc]
        base, id="ref-districts-agreeing", quantity=amount(12, Unit.COUNT)
    )
    ds = prepend(real, agreeing)
    assert [("ref-districts",)] == [f.references for f in found(ds, "count-vs-reference")]


def test_growth_vs_baseline_checks_every_baseline_figure(real: Dataset) -> None:
    """After a 2015 figure the growth fits, a second 2015 figure it does not fit is checked."""
    fixed = replace(without_errata(real), "rd-spending-2019", quantity=CORRECT_RD_2019)
    base = real.lookup("ref-rd-2016-implied-2015")
    other = attrs.evolve(  # type: ignore[misc]
        base, id="ref-rd-2015-planted", quantity=amount(50_000_000_000, Unit.CNY)
    )
    [finding] = found(add(fixed, other), "growth-vs-baseline")
    assert "ref-rd-2015-planted" == finding.references[0]


def test_growth_message_gives_the_implied_growth(real: Dataset) -> None:
    """The message states the growth the two figures imply, as a signed percentage."""
    [finding] = found(real, "growth-vs-baseline")
    assert "15.8 times the 2015 figure of 95 billion" in finding.message
    assert "growth of +1478.9 %, not the nearly 2/3 (+66.7 %)" in finding.message


def test_national_total_compares_amounts_and_counts_only(real: Dataset) -> None:
    """A percentage is not a part of a national percentage: no national-total finding for it."""
    ds = replace(real, "shanghai", part_of="china")
    ds = replace(ds, "rd-spending-2019", quantity=CORRECT_RD_2019, equivalent=None)
    share = attrs.evolve(  # type: ignore[misc]
        real.lookup("rd-spending-share-of-gdp"),
        id="planted-share",
        period=None,
        as_of=PartialDate(2019),
    )
    china = attrs.evolve(  # type: ignore[misc]
        real.lookup("ref-rd-2019-intensity"),
        id="ref-china-intensity",
        subject="china",
        quantity=amount("2.23", Unit.PERCENT),
    )
    assert [] == found(add(add(ds, share), china), "national-total")


def test_part_within_whole_allows_as_many_entities_as_the_count(real: Dataset) -> None:
    """One vaccine counted in a count of exactly 1 is fine; in a count of 0 it is one too many."""
    exact = replace(real, "covid-vaccines-in-development", quantity=amount(1, Unit.COUNT))
    assert [] == found(exact, "part-within-whole")
    none = replace(real, "covid-vaccines-in-development", quantity=amount(0, Unit.COUNT))
    assert 1 == len(found(none, "part-within-whole"))


def test_a_finding_prints_as_one_line_like_the_report() -> None:
    """str(finding) heads like the text report, then the message and the errata that explain it."""
    known = Finding("share-of-gdp", Severity.ERROR, ["a"], "m", ["x"], True, ["erratum-a"])
    open_ = Finding("share-of-gdp", Severity.WARNING, ["a"], "m")
    passed = Finding("exchange-rate", Severity.INFO, ["a"], "fits")
    assert [
        "known error, share-of-gdp: m (explained by erratum-a)",
        "warning: share-of-gdp: m",
        "info: exchange-rate: fits",
    ] == [str(known), str(open_), str(passed)]


# --- growth-vs-baseline and part-within-whole: the guards on odd references and counts -----


def test_growth_vs_baseline_passes_over_a_baseline_of_zero_and_checks_the_next(
    real: Dataset,
) -> None:
    """A 2015 figure of 0 is passed over (no growth from nothing); one of 1 yuan after it is not."""
    fixed = replace(without_errata(real), "rd-spending-2019", quantity=CORRECT_RD_2019)
    base = real.lookup("ref-rd-2016-implied-2015")
    zero = attrs.evolve(base, id="ref-rd-2015-zero", quantity=amount(0, Unit.CNY))  # type: ignore[misc]
    one = attrs.evolve(base, id="ref-rd-2015-one", quantity=amount(1, Unit.CNY))  # type: ignore[misc]
    assert [] == found(prepend(fixed, zero), "growth-vs-baseline")
    [finding] = found(prepend(prepend(fixed, one), zero), "growth-vs-baseline")
    assert "ref-rd-2015-one" == finding.references[0]
    assert "the 2015 figure of 1 (ref-rd-2015-one)" in finding.message


def test_growth_vs_baseline_goes_on_after_a_growth_of_a_metric_without_indicator(
    real: Dataset,
) -> None:
    """A growth stated of a metric with no indicator, listed first, leaves the spending check."""
    growth = real.lookup("rd-spending-growth-2015-2019")
    other = attrs.evolve(growth, id="planted-growth", change_of="core-industries")  # type: ignore[misc]
    ds = prepend(real, other)
    assert [("rd-spending-2019", "rd-spending-growth-2015-2019")] == [
        f.records for f in found(ds, "growth-vs-baseline")
    ]


def test_part_within_whole_counts_entities_only_against_a_count(real: Dataset) -> None:
    """An entity counted in a ratio (2/3) is not one too many for it; the next count is checked."""
    entity = attrs.evolve(  # type: ignore[misc]
        real.lookup("biomedicine"),
        id="planted-entity",
        counted_in=("rd-spending-growth-2015-2019",),
    )
    ds = prepend(real, entity)
    assert [] == found(ds, "part-within-whole")
    none = replace(ds, "covid-vaccines-in-development", quantity=amount(0, Unit.COUNT))
    assert [("covid-vaccines-in-development",)] == [
        f.records[:1] for f in found(none, "part-within-whole")
    ]


def test_each_explaining_erratum_is_told_once_and_only_under_its_findings(real: Dataset) -> None:
    """A known finding lists the errata naming it: the first time in full, then '(see above)'."""
    first, second, unrelated = real.errata[0], real.errata[1], real.errata[2]
    findings = [
        Finding("r", Severity.ERROR, ["a"], "m", [], True, [first.id]),
        Finding("s", Severity.WARNING, ["b"], "n", [], True, [first.id, second.id]),
    ]
    explained = [
        line.strip()
        for line in findings_to_text(findings, (first, second, unrelated)).splitlines()
        if "explained by" in line
    ]
    assert [
        f"explained by {first.id}: {first.explanation}",
        f"explained by {first.id} (see above)",
        f"explained by {second.id}: {second.explanation}",
    ] == explained
