"""The Mottak WebApi client against a local Mottak that checks what the real one checks."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import socket
import zipfile
from collections.abc import AsyncIterator

import aiohttp
import pytest

from bot.archive.build import ArchiveContext, archive_messages
from bot.archive.message import ArchiveMessage
from bot.archive.mottak import MottakClient, classify
from bot.archive.outcome import Received, Rejected, Retry, WrongTenant
from bot.export.documents import Letterhead
from tests.archive.conftest import ARCHIVED_AT
from tests.archive.fake_mottak import TENANT, FakeMottak
from tests.export.cases import OSLO, full_case, names, sample_school


@pytest.fixture
async def mottak() -> AsyncIterator[FakeMottak]:
    async with FakeMottak() as fake:
        yield fake


@pytest.fixture(scope="module")
def messages() -> tuple[ArchiveMessage, ...]:
    """Built once: a whole case takes half a second to draw."""
    school = sample_school()
    case, events = full_case(school)
    return archive_messages(
        case, events, ArchiveContext(Letterhead(school.name, names(school), ARCHIVED_AT, OSLO))
    )


async def test_a_message_is_received_with_manifest_first_and_the_zip_second(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    outcome = await MottakClient(mottak.url).deliver(messages[0])
    assert isinstance(outcome, Received) and outcome.status == 201
    assert json.loads(outcome.receipt)["hash"] == messages[0].sha256
    [got] = mottak.received
    assert got.zip == messages[0].zip
    assert got.manifest == {
        "type": "arkivmelding",
        "messageId": messages[0].message_id,
        "files": [
            {
                "contentid": "content1",
                "filename": "2026-0001-20261126-100000-melding.zip",
                "hash": hashlib.sha256(messages[0].zip).hexdigest().upper(),
                "alg": "SHA256",
                "metadata": False,
            }
        ],
    }
    assert set(got.files) == {"melding.pdf"}


async def test_a_whole_case_is_received_in_order(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    client = MottakClient(mottak.url)
    for message in messages:
        assert isinstance(await client.deliver(message), Received)
    assert [s.manifest["files"][0]["filename"] for s in mottak.received] == [
        m.filename for m in messages
    ]


async def test_the_connection_check_names_the_tenant(mottak: FakeMottak) -> None:
    outcome = await MottakClient(mottak.url).check()
    assert isinstance(outcome, Received) and "Oslo kommune test" in outcome.receipt
    assert isinstance(await MottakClient(mottak.url_for("ukjent")).check(), WrongTenant)


async def test_an_unknown_tenant_key_is_a_configuration_error(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    outcome = await MottakClient(mottak.url_for("00000000-0000-0000-0000-000000000000")).deliver(
        messages[0]
    )
    assert isinstance(outcome, WrongTenant) and outcome.status == 404
    assert "ARCHIVE_URL" in outcome.detail
    assert mottak.received == []


async def test_a_schema_error_is_rejected_with_the_archives_reason(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    archive = zipfile.ZipFile(io.BytesIO(messages[0].zip))
    xml = (
        archive.read("arkivmelding.xml")
        .replace(b"<system>", b"<systemet>")
        .replace(b"</system>", b"</systemet>")
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as broken:
        broken.writestr("arkivmelding.xml", xml)
        broken.writestr("melding.pdf", archive.read("melding.pdf"))
    message = dataclasses.replace(messages[0], zip=buffer.getvalue())
    outcome = await MottakClient(mottak.url).deliver(message)
    assert isinstance(outcome, Rejected) and outcome.status == 400
    assert outcome.reason.startswith("Request er ikke korrekt formatert som en arkivmelding; ")
    assert "systemet" in outcome.reason and "fil: arkivmelding.xml" in outcome.reason


async def test_422_is_rejected_with_its_message(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    mottak.answer(422, {"message": "Kunne ikke håndtere innkommet melding"})
    outcome = await MottakClient(mottak.url).deliver(messages[0])
    assert outcome == Rejected(422, "Kunne ikke håndtere innkommet melding")


async def test_500_is_retried_until_201(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    mottak.answer(500, {"title": "Server Error", "status": 500}, times=2)
    client = MottakClient(mottak.url)
    outcomes = [await client.deliver(messages[0]) for _ in range(3)]
    assert outcomes[:2] == [Retry("HTTP 500", 500)] * 2
    assert isinstance(outcomes[2], Received)
    assert mottak.posts == 3 and len(mottak.received) == 1


async def test_a_slow_archive_is_a_retry(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    mottak.answer(201, delay=2.0)
    outcome = await MottakClient(mottak.url, timeout=0.5).deliver(messages[0])
    assert outcome == Retry("timeout")


async def test_an_unreachable_archive_is_a_retry(messages: tuple[ArchiveMessage, ...]) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    outcome = await MottakClient(f"http://127.0.0.1:{port}/api/{TENANT}").deliver(messages[0])
    assert isinstance(outcome, Retry) and outcome.reason.startswith("unreachable")


async def test_a_given_session_is_used_and_left_open(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    async with aiohttp.ClientSession() as session:
        client = MottakClient(mottak.url, session=session)
        assert isinstance(await client.deliver(messages[0]), Received)
        assert not session.closed


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (201, "{}", Received(201, "{}")),
        (
            400,
            "x.zip bestod ikke hash validering",
            Rejected(400, "x.zip bestod ikke hash validering"),
        ),
        (
            400,
            json.dumps({"message": "Fant ikke metadatafilen", "fil": "arkivmelding.xml"}),
            Rejected(400, "Fant ikke metadatafilen; fil: arkivmelding.xml"),
        ),
        (413, "", Rejected(413, "Arkivet svarte HTTP 413")),
        (200, "<html>", Rejected(200, "<html>")),
        (302, "", Rejected(302, "Arkivet svarte HTTP 302")),
        (404, "", WrongTenant(404, "Mottak kjenner ikke tenant-nøkkelen i ARCHIVE_URL")),
        (429, "", Retry("HTTP 429", 429)),
        (503, "", Retry("HTTP 503", 503)),
    ],
)
def test_every_answer_has_one_outcome(status: int, body: str, expected: object) -> None:
    assert classify(status, body, expected=201) == expected


# The fake checks what it says it checks: requests the client would never send.


async def _post(url: str, parts: list[tuple[bytes, dict[str, str]]]) -> tuple[int, str]:
    writer = aiohttp.MultipartWriter("related")
    for data, headers in parts:
        writer.append(data, headers)
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{url}/arkivmelding", data=writer) as response,
    ):
        return response.status, await response.text()


def _parts(
    message: ArchiveMessage,
) -> tuple[tuple[bytes, dict[str, str]], tuple[bytes, dict[str, str]]]:
    manifest = (message.manifest_json(), {"Content-Type": "application/json"})
    package = (
        message.zip,
        {
            "Content-Disposition": f'form-data; name="arkivmelding"; filename="{message.filename}"',
            "Content-Type": "application/zip",
            "Content-Id": "content1",
        },
    )
    return manifest, package


async def test_the_fake_refuses_what_mottak_refuses(
    mottak: FakeMottak, messages: tuple[ArchiveMessage, ...]
) -> None:
    message = messages[0]
    manifest, package = _parts(message)
    assert (await _post(mottak.url, [manifest, package]))[0] == 201
    status, body = await _post(mottak.url, [package, manifest])
    assert status == 400 and "Første del" in body
    wrong_hash = dataclasses.replace(message, zip=message.zip + b"\0")
    status, body = await _post(mottak.url, [manifest, (wrong_hash.zip, package[1])])
    assert (status, body) == (
        400,
        "2026-0001-20261126-100000-melding.zip bestod ikke hash validering",
    )
    status, body = await _post(
        mottak.url, [manifest, (package[0], {**package[1], "Content-Id": "x"})]
    )
    assert status == 400 and "Content-Id" in body
    renamed = {**package[1], "Content-Disposition": 'form-data; name="fil"; filename="a.zip"'}
    assert (await _post(mottak.url, [manifest, (package[0], renamed)]))[0] == 400
    status, body = await _post(
        mottak.url,
        [manifest, (package[0], {**package[1], "Content-Type": "application/octet-stream"})],
    )
    assert status == 400 and "application/zip" in body
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{mottak.url}/arkivmelding", data=b"not multipart") as response,
    ):
        assert response.status == 500
    assert len(mottak.received) == 1
