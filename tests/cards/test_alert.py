from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from typing import Any

from bot.cards.actions import CASE, Verb
from bot.cards.alert import ESCALATION_TEXT, AlertView, alert_card
from bot.domain.case import STATE_LABELS, CaseState
from tests.cards.samples import (
    ACKED_AT,
    CASE_ID,
    LEADER_ID,
    OWNER,
    PUPIL_NAME,
    RECIPIENT_IDS,
    REFERENCE,
    REKTOR_ID,
    alert,
    recipients,
    view,
)
from tests.cards.schema import actions, assert_valid_card, find_action, iter_nodes, texts

URGENT_MARKER = "Skjerpet aktivitetsplikt (§ 12-5)"
URGENT = {"urgent": True, "serious": False, "owner_must_be_notified": True}


def shown(card: dict[str, Any]) -> str:
    assert_valid_card(card)
    return "\n".join(texts(card))


def verbs_offered(card: dict[str, Any]) -> set[str]:
    """Universal Actions a person can press; the refresh action is not one, nor «Åpne saken»
    (an Action.Submit on every recipient's alert, tests/cards/test_leader_cards.py)."""
    refresh = card.get("refresh", {}).get("action")
    return {
        a["verb"] for a in actions(card) if a is not refresh and a["type"] == "Action.Execute"
    }


def test_alert_shows_who_what_when_and_by_whom() -> None:
    text = shown(alert())
    assert f"Sak {REFERENCE}" in text
    assert f"Elev: {PUPIL_NAME}" in text
    assert "Klasse: 9B" in text
    assert "Gjelder: Krenkelser eller mobbing" in text
    assert "Meldt: 26.11.2026 kl. 09:15" in text  # 08:15 UTC is 09:15 in Oslo
    assert "Meldt av: Kari Lærer" in text
    assert "Status: Meldt fra" in text
    assert "Tatt av: Ingen har tatt saken ennå" in text


def test_time_is_shown_in_oslo_summer_time_too() -> None:
    summer = view(reported_at=datetime(2026, 6, 2, 7, 5, tzinfo=UTC))
    assert "Meldt: 02.06.2026 kl. 09:05" in shown(alert(summer))


def test_alert_cannot_carry_the_free_text() -> None:
    fields = {f.name for f in dataclasses.fields(AlertView)}
    assert not fields & {"description", "intervention", "place", "signs", "report"}


def test_every_recipient_has_a_status() -> None:
    text = shown(alert(view(recipients=recipients(rektor_acked=True))))
    assert "Rita Rektor (Rektor): Bekreftet kl. 09:20" in text
    assert "Lars Leder (Nærmeste leder): Ikke bekreftet ennå" in text


def test_acknowledgement_on_a_later_day_shows_the_date() -> None:
    later = datetime(2026, 11, 27, 7, 0, tzinfo=UTC)
    statuses = (dataclasses.replace(recipients()[0], acknowledged_at=later), recipients()[1])
    assert "Bekreftet 27.11.2026 kl. 08:00" in shown(alert(view(recipients=statuses)))


def test_actions_are_universal_actions_with_the_case_id() -> None:
    card = alert()
    assert verbs_offered(card) == {Verb.ACKNOWLEDGE, Verb.TAKE, Verb.START_INVESTIGATION}
    for action in actions(card):
        if action["type"] == "Action.Execute":
            assert action["data"] == {CASE: CASE_ID}
        else:
            assert action["title"] == "Åpne saken"
    titles = {a["title"] for a in card["actions"]}
    assert titles == {"Bekreft mottatt", "Jeg tar saken", "Start undersøkelse", "Åpne saken"}


def test_refresh_keeps_every_receiver_up_to_date() -> None:
    refresh = alert()["refresh"]
    assert refresh["action"]["type"] == "Action.Execute"
    assert refresh["action"]["verb"] == Verb.REFRESH
    assert refresh["action"]["data"] == {CASE: CASE_ID}
    assert refresh["userIds"] == list(RECIPIENT_IDS)


def test_refresh_lists_at_most_60_users() -> None:
    ids = [f"aad-{i}" for i in range(100)]
    card = alert_card(view(), viewer_is_rektor=False, viewer_id="aad-3", recipient_ids=ids)
    assert_valid_card(card)
    assert card["refresh"]["userIds"] == ids[:60]


def test_acknowledge_is_hidden_once_the_viewer_acknowledged() -> None:
    acked = view(recipients=recipients(rektor_acked=True))
    assert Verb.ACKNOWLEDGE not in verbs_offered(alert(acked))
    assert Verb.ACKNOWLEDGE in verbs_offered(alert(acked, viewer_id=LEADER_ID))


def test_taking_hides_take_for_everyone_and_investigation_for_the_others() -> None:
    taken = view(assignee_name="Lars Leder", recipients=recipients(leader_acked=True))
    leader = alert(taken, viewer_id=LEADER_ID)
    rektor = alert(taken)
    assert "Tatt av: Lars Leder" in shown(leader)
    assert verbs_offered(leader) == {Verb.START_INVESTIGATION}
    assert verbs_offered(rektor) == {Verb.ACKNOWLEDGE}


def test_assignee_id_decides_who_took_the_case_when_given() -> None:
    taken = view(assignee_name="Lars Leder", assignee_id=REKTOR_ID)
    assert Verb.START_INVESTIGATION in verbs_offered(alert(taken))
    assert Verb.START_INVESTIGATION not in verbs_offered(alert(taken, viewer_id=LEADER_ID))


def test_no_case_buttons_once_investigating_or_closed() -> None:
    acked = recipients(rektor_acked=True, leader_acked=True)
    for state in (CaseState.UNDERSOKE, CaseState.TILTAK, CaseState.AVSLUTTET):
        card = alert(
            view(assignee_name="Lars Leder", state_label=STATE_LABELS[state], recipients=acked)
        )
        assert verbs_offered(card) == set(), state
        assert [a["title"] for a in card["actions"]] == ["Åpne saken"]
    closed = view(state=CaseState.AVSLUTTET, state_label="Avsluttet")
    assert verbs_offered(alert(closed)) == set()


def test_someone_not_routed_to_gets_no_buttons() -> None:
    card = alert_card(
        view(), viewer_is_rektor=False, viewer_id="aad-other", recipient_ids=RECIPIENT_IDS
    )
    assert verbs_offered(card) == set()
    assert "Du er ikke mottaker av denne saken." in shown(card)


def test_urgent_alert_is_marked_and_asks_rektor_to_tell_the_owner() -> None:
    text = shown(alert(view(**URGENT)))
    assert URGENT_MARKER in text
    assert "Rektor må handle straks og varsle skoleeier" in text
    assert URGENT_MARKER not in shown(alert())


def test_owner_button_only_for_rektor() -> None:
    rektor = alert(view(**URGENT))
    leader = alert(view(**URGENT), viewer_id=LEADER_ID)
    button = find_action(rektor, Verb.OWNER_NOTIFIED)
    assert button is not None
    assert button["type"] == "Action.Execute"
    assert button["title"] == "Skoleeier er varslet"
    assert button["data"] == {CASE: CASE_ID}
    text = shown(rektor)
    assert "Du må varsle skoleeier" in text
    assert f"Ring: {OWNER.name}, tlf. {OWNER.phone}" in text
    assert find_action(leader, Verb.OWNER_NOTIFIED) is None
    assert "Rektor varsler skoleeier." in shown(leader)


def test_with_the_owner_in_teams_rektor_is_told_the_bot_sends_the_notice() -> None:
    rektor = shown(alert(view(**URGENT, owner_in_teams=True)))
    assert "Skoleeier får et varsel i Teams" in rektor and "Du må varsle" not in rektor
    assert f"Ring: {OWNER.name}, tlf. {OWNER.phone}" in rektor  # the phone stays
    assert "Skoleeier varsles i Teams." in shown(alert(view(**URGENT, owner_in_teams=True),
                                                       viewer_id=LEADER_ID))


def test_serious_case_asks_rektor_to_tell_the_owner_without_12_5_marker() -> None:
    card = alert(view(serious=True, owner_must_be_notified=True))
    text = shown(card)
    assert "Alvorlighet: Spesielt alvorlig sak" in text
    assert URGENT_MARKER not in text
    assert find_action(card, Verb.OWNER_NOTIFIED) is not None


def test_no_owner_button_when_the_owner_need_not_be_told() -> None:
    assert find_action(alert(), Verb.OWNER_NOTIFIED) is None
    assert "skoleeier" not in shown(alert()).lower()


def test_recorded_owner_notification_replaces_the_button() -> None:
    notified = view(**URGENT, owner_notified_at=ACKED_AT, owner_notified_by="Rita Rektor")
    for viewer in (REKTOR_ID, LEADER_ID):
        card = alert(notified, viewer_id=viewer)
        assert find_action(card, Verb.OWNER_NOTIFIED) is None
        assert "Skoleeier varslet: 26.11.2026 kl. 09:20 av Rita Rektor" in shown(card)


def test_escalation_text() -> None:
    assert ESCALATION_TEXT == "Ingen har bekreftet saken ennå"
    assert ESCALATION_TEXT in shown(alert(view(escalated=True)))
    assert ESCALATION_TEXT not in shown(alert())


def test_pupil_name_is_never_rendered_as_markdown() -> None:
    sneaky = "[klikk](https://example.invalid)"
    card = alert(view(pupil_name=sneaky, pupil_class=sneaky, reporter_name=sneaky))
    assert_valid_card(card)
    holders = [n for _, n in iter_nodes(card) if sneaky in str(n.get("text", ""))]
    assert len(holders) == 3
    assert all(n["type"] == "TextRun" for n in holders)


def test_the_only_action_submit_on_the_alert_opens_the_case() -> None:
    card = alert(view(**URGENT))
    submits = [a for a in actions(card) if a["type"] == "Action.Submit"]
    assert [(a["title"], a["data"]) for a in submits] == [
        ("Åpne saken", {"verb": Verb.CASE_OPEN.value, CASE: CASE_ID})
    ]
    assert json.dumps(card).count("Action.Submit") == 1
