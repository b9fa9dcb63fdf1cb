"""The sample school of the export and archive tests."""

from __future__ import annotations

import pytest

from bot.domain.school import School
from tests.export.cases import sample_school


@pytest.fixture
def school() -> School:
    return sample_school()
