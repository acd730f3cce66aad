"""Settings: a typo in a setting's name fails loudly instead of being ignored."""

import pytest

import geo.settings


def test_unknown_name_is_refused_with_close_names():
    with pytest.raises(AttributeError, match=r"no setting 'CHUNK_POINT'") as err:
        geo.settings.CHUNK_POINT = 5  # type: ignore[attr-defined]
    message = str(err.value)
    assert "'CHUNK_POINTS'" in message
    assert "'CLASSIFY_CHUNK_POINTS'" in message
    assert err.value.name == "CHUNK_POINT"
    assert not hasattr(geo.settings, "CHUNK_POINT")


def test_unknown_name_with_nothing_close_lists_the_settings():
    with pytest.raises(AttributeError, match=r"no setting 'zzz'; known settings: .*n_workers"):
        geo.settings.zzz = 1  # type: ignore[attr-defined]


def test_monkeypatch_of_an_unknown_name_fails(monkeypatch):
    with pytest.raises(AttributeError, match="did you mean 'n_workers'"):
        monkeypatch.setattr(geo.settings, "n_worker", 2, raising=False)


@pytest.mark.parametrize(
    ("name", "value"),
    [("n_workers", 2), ("CHUNK_POINTS", 333), ("CLASSIFY_CHUNK_POINTS", 70), ("cache_dir", None)],
)
def test_existing_settings_can_be_assigned(monkeypatch, name, value):
    monkeypatch.setattr(geo.settings, name, value)
    assert getattr(geo.settings, name) == value


def test_assignment_takes_effect():
    before = geo.settings.n_workers
    try:
        geo.settings.n_workers = 3
        assert geo.settings.workers() == 3
    finally:
        geo.settings.n_workers = before
    assert geo.settings.n_workers == before
