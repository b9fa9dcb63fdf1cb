"""Tests for the Teams app package: what Teams checks at upload time must fail here first."""

from __future__ import annotations

import json
import re
import shutil
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import pytest

from bot.manifest import (
    DEFAULT_MANIFEST_DIR,
    ManifestError,
    build_app_package,
    main,
    open_png,
    outline_problems,
    png_size,
    rgba_pixels,
)
from tests.schools import TEST_SCHOOL_CONFIG

APP_ID = "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
URLS: dict[str, Any] = {"privacy_url": "https://skole.example/personvern",
        "terms_url": "https://skole.example/vilkar"}
URL_ARGS = ["--privacy-url", URLS["privacy_url"], "--terms-url", URLS["terms_url"]]
BOT_ID = "6f1c1e0a-8d3b-4c7e-9a51-2b8f4d1e7c90"
GUID_RE = re.compile(r"^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$")

# Keys the v1.17 Teams manifest schema allows ("additionalProperties": false) at the top level
# and inside a bot. No PyPI package ships the schema, so this subset guards against misspelt
# keys, which Teams would otherwise only report at upload.
SCHEMA_TOP_LEVEL_KEYS = {
    "$schema", "manifestVersion", "version", "id", "packageName", "localizationInfo",
    "developer", "name", "description", "icons", "accentColor", "configurableTabs",
    "staticTabs", "bots", "connectors", "subscriptionOffer", "composeExtensions",
    "permissions", "devicePermissions", "validDomains", "webApplicationInfo",
    "graphConnector", "showLoadingIndicator", "isFullScreen", "activities",
    "configurableProperties", "supportedChannelTypes", "defaultBlockUntilAdminAction",
    "publisherDocsUrl", "defaultInstallScope", "defaultGroupCapability",
    "meetingExtensionDefinition", "authorization", "extensions", "dashboardCards",
}  # fmt: skip
SCHEMA_REQUIRED_KEYS = {
    "manifestVersion", "version", "id", "developer", "name", "description", "icons",
    "accentColor",
}  # fmt: skip
SCHEMA_BOT_KEYS = {
    "botId", "configuration", "needsChannelSelector", "isNotificationOnly", "supportsFiles",
    "supportsCalling", "supportsVideo", "scopes", "commandLists",
}  # fmt: skip


def _template() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (DEFAULT_MANIFEST_DIR / "manifest.json").read_text(encoding="utf-8")
    )
    return data


def _build(tmp_path: Path, **kwargs: Any) -> tuple[dict[str, Any], zipfile.ZipFile]:
    out = build_app_package(APP_ID, tmp_path / "app.zip", **kwargs, **URLS)
    archive = zipfile.ZipFile(out)
    manifest: dict[str, Any] = json.loads(archive.read("manifest.json").decode("utf-8"))
    return manifest, archive


def _copy_manifest_dir(tmp_path: Path) -> Path:
    target = tmp_path / "manifest"
    target.mkdir()
    for name in ("manifest.json", "color.png", "outline.png"):
        shutil.copy(DEFAULT_MANIFEST_DIR / name, target / name)
    return target


def _write_png_rgba(path: Path, width: int, height: int, rgba: tuple[int, int, int, int]) -> None:
    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body) & 0xFFFFFFFF
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    row = b"\x00" + bytes(rgba) * width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(row * height))
        + chunk(b"IEND", b"")
    )


def test_zip_holds_exactly_manifest_and_icons_at_root(tmp_path: Path) -> None:
    _manifest, archive = _build(tmp_path)
    assert sorted(archive.namelist()) == ["color.png", "manifest.json", "outline.png"]
    assert archive.testzip() is None
    assert archive.read("color.png") == (DEFAULT_MANIFEST_DIR / "color.png").read_bytes()
    assert archive.read("outline.png") == (DEFAULT_MANIFEST_DIR / "outline.png").read_bytes()


def test_ids_are_filled_and_bot_id_defaults_to_app_id(tmp_path: Path) -> None:
    manifest, _ = _build(tmp_path)
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == APP_ID
    assert manifest["webApplicationInfo"] == {"id": APP_ID, "resource": f"api://botid-{APP_ID}"}
    assert "00000000-0000-0000-0000-000000000000" not in json.dumps(manifest)


def test_separate_bot_id(tmp_path: Path) -> None:
    manifest, _ = _build(tmp_path, bot_id=BOT_ID.upper())
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert manifest["webApplicationInfo"] == {"id": BOT_ID, "resource": f"api://botid-{BOT_ID}"}


def test_package_is_reproducible(tmp_path: Path) -> None:
    first = build_app_package(APP_ID, tmp_path / "a.zip", **URLS)
    second = build_app_package(APP_ID, tmp_path / "b.zip", **URLS)
    assert first.read_bytes() == second.read_bytes()


def test_committed_template_keeps_placeholders() -> None:
    template = _template()
    placeholder = "00000000-0000-0000-0000-000000000000"
    assert template["id"] == placeholder
    assert template["bots"][0]["botId"] == placeholder
    assert template["webApplicationInfo"]["id"] == placeholder


def test_manifest_schema_version_and_language() -> None:
    template = _template()
    version = template["manifestVersion"]
    major, minor = (int(part) for part in version.split("."))
    assert (major, minor) >= (1, 17)
    assert template["$schema"] == (
        "https://developer.microsoft.com/en-us/json-schemas/teams/"
        f"v{version}/MicrosoftTeams.schema.json"
    )
    assert template["localizationInfo"]["defaultLanguageTag"] == "nb-NO"
    assert re.fullmatch(r"\d+\.\d+\.\d+", template["version"])


def test_manifest_uses_only_schema_keys() -> None:
    template = _template()
    assert set(template) <= SCHEMA_TOP_LEVEL_KEYS
    assert set(template) >= SCHEMA_REQUIRED_KEYS
    assert set(template["bots"][0]) <= SCHEMA_BOT_KEYS
    assert set(template["developer"]) >= {"name", "websiteUrl", "privacyUrl", "termsOfUseUrl"}
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert template["developer"][key].startswith("https://")
    assert re.fullmatch(r"#[0-9a-fA-F]{6}", template["accentColor"])
    assert template["validDomains"]
    assert all("://" not in domain for domain in template["validDomains"])


def test_length_limits_hold(tmp_path: Path) -> None:
    manifest, _ = _build(tmp_path)
    assert manifest["name"]["short"] == "Trygg skole"
    assert len(manifest["name"]["short"]) <= 30
    assert len(manifest["name"]["full"]) <= 100
    assert 0 < len(manifest["description"]["short"]) <= 80
    assert 0 < len(manifest["description"]["full"]) <= 4000
    assert len(manifest["developer"]["name"]) <= 32


def test_bot_is_personal_scope_conversational_without_files(tmp_path: Path) -> None:
    manifest, _ = _build(tmp_path)
    (bot,) = manifest["bots"]
    assert bot["scopes"] == ["personal"]
    assert bot["supportsFiles"] is False
    assert bot["isNotificationOnly"] is False
    assert all(cl["scopes"] == ["personal"] for cl in bot["commandLists"])
    assert "staticTabs" not in manifest
    assert "configurableTabs" not in manifest
    assert "composeExtensions" not in manifest


def test_three_commands_exist_with_norwegian_descriptions(tmp_path: Path) -> None:
    manifest, _ = _build(tmp_path)
    commands = [c for cl in manifest["bots"][0]["commandLists"] for c in cl["commands"]]
    assert [c["title"] for c in commands] == ["meld fra", "mine saker", "hjelp"]
    for command in commands:
        assert len(command["title"]) <= 32
        assert 0 < len(command["description"]) <= 128
    descriptions = " ".join(c["description"] for c in commands).lower()
    assert "rektor" in descriptions


def test_icon_sizes() -> None:
    assert png_size((DEFAULT_MANIFEST_DIR / "color.png").read_bytes()) == (192, 192)
    assert png_size((DEFAULT_MANIFEST_DIR / "outline.png").read_bytes()) == (32, 32)


def test_color_icon_is_opaque_and_colourful() -> None:
    image = open_png((DEFAULT_MANIFEST_DIR / "color.png").read_bytes())
    pixels = rgba_pixels(image)
    assert image.size == (192, 192)
    assert all(a == 255 for *_rgb, a in pixels)
    assert len({(r, g, b) for r, g, b, _a in pixels}) > 2


def test_outline_icon_is_white_on_transparent() -> None:
    image = open_png((DEFAULT_MANIFEST_DIR / "outline.png").read_bytes())
    rgba = image.convert("RGBA")
    pixels = rgba_pixels(rgba)
    assert image.size == (32, 32)
    assert outline_problems(image) == []
    # Every pixel is pure white; only the opacity varies.
    assert {(r, g, b) for r, g, b, _a in pixels} == {(255, 255, 255)}
    # The background (all four corners and the border) is fully transparent.
    border = [pixels[y * 32 + x] for x in range(32) for y in (0, 31)]
    border += [pixels[y * 32 + x] for y in range(32) for x in (0, 31)]
    assert all(a == 0 for *_rgb, a in border)
    # And there is actually a visible shape.
    assert sum(1 for *_rgb, a in pixels if a == 255) > 30


@pytest.mark.parametrize(
    "bad_id",
    [
        "",
        "not-a-guid",
        "1b4e28ba2fa141d2883f0016d3cca427",
        "1b4e28ba-2fa1-41d2-883f-0016d3cca42",
        "{1b4e28ba-2fa1-41d2-883f-0016d3cca427}",
        "1b4e28ba-2fa1-41d2-883f-0016d3cca42g",
        "00000000-0000-0000-0000-000000000000",
    ],
)
def test_bad_app_id_is_refused(tmp_path: Path, bad_id: str) -> None:
    out = tmp_path / "app.zip"
    with pytest.raises(ManifestError, match="App-ID"):
        build_app_package(bad_id, out, **URLS)
    assert not out.exists()


def test_bad_bot_id_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="Bot-ID"):
        build_app_package(APP_ID, tmp_path / "app.zip", bot_id="bot", **URLS)


def test_ids_are_normalised_to_lower_case(tmp_path: Path) -> None:
    out = build_app_package(f"  {APP_ID.upper()} ", tmp_path / "app.zip", **URLS)
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["id"] == APP_ID
    assert GUID_RE.fullmatch(manifest["bots"][0]["botId"])


def test_too_long_texts_are_refused(tmp_path: Path) -> None:
    manifest_dir = _copy_manifest_dir(tmp_path)
    manifest = _template()
    manifest["name"]["short"] = "x" * 31
    manifest["description"]["short"] = "x" * 81
    manifest["description"]["full"] = "x" * 4001
    (manifest_dir / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(ManifestError) as excinfo:
        build_app_package(APP_ID, tmp_path / "app.zip", manifest_dir=manifest_dir, **URLS)
    message = str(excinfo.value)
    assert "name.short" in message
    assert "description.short" in message
    assert "description.full" in message
    assert not (tmp_path / "app.zip").exists()


def test_wrong_icon_size_is_refused(tmp_path: Path) -> None:
    manifest_dir = _copy_manifest_dir(tmp_path)
    _write_png_rgba(manifest_dir / "color.png", 100, 100, (31, 111, 120, 255))
    with pytest.raises(ManifestError, match="192×192"):
        build_app_package(APP_ID, tmp_path / "app.zip", manifest_dir=manifest_dir, **URLS)


def test_opaque_outline_is_refused(tmp_path: Path) -> None:
    manifest_dir = _copy_manifest_dir(tmp_path)
    _write_png_rgba(manifest_dir / "outline.png", 32, 32, (0, 0, 0, 255))
    with pytest.raises(ManifestError, match="gjennomsiktig"):
        build_app_package(APP_ID, tmp_path / "app.zip", manifest_dir=manifest_dir, **URLS)


def test_main_writes_package(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "dist" / "app.zip"
    assert main(["--app-id", APP_ID, "--out", str(out), "--bot-id", BOT_ID, *URL_ARGS]) == 0
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["id"] == APP_ID
    assert manifest["bots"][0]["botId"] == BOT_ID
    assert str(out) in capsys.readouterr().out


def test_main_reports_bad_app_id(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "app.zip"
    assert main(["--app-id", "abc", "--out", str(out), *URL_ARGS]) == 1
    assert "GUID" in capsys.readouterr().err
    assert not out.exists()


def test_main_requires_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as excinfo:
        main([])
    assert excinfo.value.code == 2
    assert "--app-id" in capsys.readouterr().err


def test_the_schools_own_privacy_and_terms_pages_are_required(tmp_path: Path) -> None:
    with pytest.raises(ManifestError, match="privacy_url"):
        build_app_package(APP_ID, tmp_path / "app.zip")
    assert not (tmp_path / "app.zip").exists()
    out = build_app_package(APP_ID, tmp_path / "app.zip", **URLS)
    developer = json.loads(zipfile.ZipFile(out).read("manifest.json"))["developer"]
    assert developer["privacyUrl"] == URLS["privacy_url"]
    assert developer["termsOfUseUrl"] == URLS["terms_url"]


def test_main_takes_the_pages_from_the_schools_configuration(tmp_path: Path) -> None:
    config = tmp_path / "skole.toml"
    text = TEST_SCHOOL_CONFIG.read_text("utf-8")
    config.write_text(text.replace('[school]\n', '[school]\nprivacy_url = '
                                   '"https://skole.example/p"\nterms_url = '
                                   '"https://skole.example/v"\n', 1), encoding="utf-8")
    out = tmp_path / "app.zip"
    assert main(["--app-id", APP_ID, "--out", str(out), "--school-config", str(config)]) == 0
    developer = json.loads(zipfile.ZipFile(out).read("manifest.json"))["developer"]
    assert developer["privacyUrl"] == "https://skole.example/p"
