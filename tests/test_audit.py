"""The audit: every rule catches a planted fault; the command fails on unacknowledged errors."""

from __future__ import annotations

import datetime as dt
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shanghai_innovation import (
    Confidence,
    Dataset,
    Erratum,
    ErratumKind,
    PartialDate,
    Period,
    Qualifier,
    Quantity,
    RankingPosition,
    Record,
    Unit,
)
from shanghai_innovation._audit import (
    CLOSE,
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
from shanghai_innovation._cli import main
from shanghai_innovation._load import load
from shanghai_innovation.testing import datasets, partial_dates, quantities, rankings

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
    assert "6.70" in finding.message
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


def test_check_defaults_to_the_bundled_data(real: Dataset) -> None:
    """check() with no argument audits the bundled dataset."""
    assert check(real) == check()


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
def test_event_rules_fire_exactly_for_dates_outside_their_bounds(date: PartialDate) -> None:
    """An event after 2020-12-31 is flagged as such; one outside 2016-2020 as out of period."""
    ds = replace(load(), "2020-01-09-institutes-open", date=date)
    assert (date.start > PUBLISHED) == bool(found(ds, "event-before-publication"))
    inside = dt.date(2016, 1, 1) <= date.start and date.end <= PUBLISHED
    assert (not inside) == bool(found(ds, "event-in-period"))


@given(partial_dates(2019, 2022))
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
def test_part_within_whole_fires_exactly_when_the_part_is_larger(part: int, whole: int) -> None:
    """Stated exactly, a part is flagged iff it exceeds its whole."""
    ds = replace(
        load(), "world-laureates-forum-2020-nobel-laureates", quantity=amount(part, Unit.COUNT)
    )
    ds = replace(ds, "world-laureates-forum-2020-scientists", quantity=amount(whole, Unit.COUNT))
    assert (part > whole) == bool(found(ds, "part-within-whole"))


@given(st.integers(150, 350))
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
    else:
        assert band.lower == q.value - abs(q.value) * CLOSE


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
