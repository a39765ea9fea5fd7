import pytest


@pytest.fixture(autouse=True)
def _views_written_at_once(settings) -> None:  # noqa: ANN001
    """Page views are written as they come, so a test reads them at once; views another test
    left in memory are forgotten."""
    from parvis.audience import services

    settings.PARVIS_AUDIENCE_FLUSH_SECONDS = 0
    with services._buffer_lock:
        services._buffer.clear()
