"""The docs figure: a legend that cannot pass for data, rankings on their own width, caveats."""

from __future__ import annotations

from typing import Any

import attrs
import pytest

import shanghai_innovation as si

from .test_docs import si_docs

NATURE = "nature-index-2020-shanghai"
GII = "gii-2020-shanghai"


@pytest.fixture(scope="module")
def figure() -> Any:
    """The figure drawn from the bundled data, laid out (drawn once on an Agg canvas)."""
    import matplotlib.pyplot as plt  # noqa: PLC0415 - after build_figure picked Agg

    fig = si_docs.build_figure()
    fig.canvas.draw()
    yield fig
    plt.close(fig)


def _axes(fig: Any) -> tuple[Any, Any]:
    timeline, rankings = (ax for sub in fig.subfigs for ax in sub.axes)
    return timeline, rankings


def test_legend_sits_outside_the_plot(figure: Any) -> None:
    """The timeline's key is drawn outside its plot area, where it cannot read as an event."""
    timeline, _ = _axes(figure)
    legend = timeline.get_legend()
    assert ["known to the day"] == [t.get_text() for t in legend.get_texts()]
    renderer = figure.canvas.get_renderer()
    box, plot = legend.get_window_extent(renderer), timeline.get_window_extent(renderer)
    assert not box.overlaps(plot), (box, plot)


def test_rankings_panel_uses_the_width(figure: Any) -> None:
    """The rankings panel spans most of the figure's width, not the timeline's plot column."""
    timeline, rankings = _axes(figure)
    width = figure.get_window_extent().width
    assert rankings.get_window_extent().width > 0.8 * width
    assert rankings.get_window_extent().width > 1.4 * timeline.get_window_extent().width


def test_rank_axis_shows_the_places_that_occur(figure: Any) -> None:
    """Best place at the top, half a place of air either side; no rank 0."""
    _, rankings = _axes(figure)
    assert (9.6, 4.4) == pytest.approx(rankings.get_ylim())
    assert [5, 6, 7, 8, 9] == [int(t) for t in rankings.get_yticks()]


def test_the_nature_index_climb_carries_the_erratum_caveat() -> None:
    """ "up 3" is followed by the doubt the erratum on the record states, read from the data."""
    ds = si.load()
    position = ds.lookup(NATURE)
    assert ["earlier place unverified"] == si_docs.ranking_caveats(ds, position)
    assert "5  Nature Index: up 3 since 2016\n     (earlier place unverified)" == (
        si_docs.ranking_label(ds, position, "Nature Index")
    )
    assert ["place unverified"] == si_docs.ranking_caveats(ds, ds.lookup(GII))


def test_caveat_follows_the_data_not_a_fixed_string() -> None:
    """Without the erratum the low-confidence reference still earns a caveat; without both, none."""
    ds = si.load()
    no_errata = attrs.evolve(ds, errata=())
    position = ds.lookup(NATURE)
    assert ["rests on a low-confidence source"] == si_docs.ranking_caveats(no_errata, position)
    sure = tuple(
        attrs.evolve(r, confidence=si.Confidence.HIGH) if r.id in position.references else r
        for r in ds.references
    )
    confident = attrs.evolve(no_errata, references=sure)
    assert [] == si_docs.ranking_caveats(confident, position)
    label = si_docs.ranking_label(confident, position, "Nature Index")
    assert "5  Nature Index: up 3 since 2016" == label
    wrong = attrs.evolve(
        ds.errata[0], record=NATURE, field_name="movement", kind=si.ErratumKind.WRONG
    )
    assert ["movement wrong"] == si_docs.ranking_caveats(
        attrs.evolve(ds, errata=(wrong,)), position
    )
