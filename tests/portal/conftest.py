import pytest

from tests.portal.content import ensure_published


@pytest.fixture
def published(db):
    """The playbook and slides as a fresh install has them: version 1 of each."""
    ensure_published()
    from portal import selectors
    from portal.models import Document

    return {
        "playbook": selectors.current_version(Document.Kind.PLAYBOOK),
        "slides": selectors.current_version(Document.Kind.SLIDES),
    }
