"""The sample school and case of the export tests, archived with a fixed clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.archive.build import ArchiveContext
from bot.domain.school import School
from bot.export.documents import Letterhead
from tests.export.cases import OSLO, T0, names, sample_school

ARCHIVED_AT = T0 + timedelta(days=60)


@pytest.fixture
def school() -> School:
    return sample_school()


@pytest.fixture
def context(school: School) -> ArchiveContext:
    return ArchiveContext(Letterhead(school.name, names(school), ARCHIVED_AT, OSLO))
