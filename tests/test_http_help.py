"""The foundation's promise over real HTTP: a Teams message gets the help card back."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import TEACHER_9
from tests.teams import running_bot


async def test_unknown_text_gets_help_card_posted_to_service_url(tmp_path: Path) -> None:
    async with running_bot(tmp_path) as bot:
        response = await bot.say(TEACHER_9, "blabla")
        assert response.status in (200, 201)
        replies = bot.to(TEACHER_9)
        assert len(replies) == 1
        card = replies[0].card
        assert card is not None
        assert "Meld fra" in replies[0].card_json
        assert "Mine saker" in replies[0].card_json
