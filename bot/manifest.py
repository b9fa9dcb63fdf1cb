"""Build the Microsoft Teams app package (the zip an admin uploads) for Trygg skole.

The committed manifest/manifest.json carries placeholder GUIDs so that no tenant's ids end up
in the repository; each school fills in its own Entra ID app registration when it packages the
app. Teams rejects packages with subtle errors only at upload time (wrong icon size, a text a
few characters too long, a malformed GUID), and the admin who uploads it is rarely the person
who can fix it, so every rule we know Teams enforces is checked here first.

PNG files are inspected with Pillow, which the PDF export needs anyway.
"""

from __future__ import annotations

import argparse
import copy
import io
import json
import re
import sys
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PIL import Image

DEFAULT_MANIFEST_DIR = Path(__file__).resolve().parent.parent / "manifest"

MANIFEST_FILE = "manifest.json"
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
PACKAGE_FILES = (MANIFEST_FILE, COLOR_ICON, OUTLINE_ICON)

COLOR_ICON_SIZE = (192, 192)
OUTLINE_ICON_SIZE = (32, 32)

# Limits from the Teams manifest schema; Teams refuses the upload when they are exceeded.
MAX_NAME_SHORT = 30
MAX_NAME_FULL = 100
MAX_DESCRIPTION_SHORT = 80
MAX_DESCRIPTION_FULL = 4000
MAX_COMMAND_TITLE = 32
MAX_COMMAND_DESCRIPTION = 128

NIL_GUID = "00000000-0000-0000-0000-000000000000"
_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")

# A fixed timestamp keeps the zip byte-identical for identical input, so a rebuilt package can
# be compared with the one an admin already uploaded.
_ZIP_DATE_TIME = (1980, 1, 1, 0, 0, 0)


class ManifestError(ValueError):
    """Raised with a Norwegian message an admin can act on without reading the code."""


def open_png(data: bytes) -> Image.Image:
    """The icon decoded by Pillow (fpdf2 needs it anyway), as RGBA: one rule for every mode."""
    try:
        image = Image.open(io.BytesIO(data))
        image.load()
    except (OSError, SyntaxError) as error:
        raise ManifestError("Filen er ikke et lesbart PNG-bilde.") from error
    if image.format != "PNG":
        raise ManifestError("Filen er ikke en PNG-fil.")
    return image


def rgba_pixels(image: Image.Image) -> list[tuple[int, int, int, int]]:
    raw = image.convert("RGBA").tobytes()
    return [(raw[i], raw[i + 1], raw[i + 2], raw[i + 3]) for i in range(0, len(raw), 4)]


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def png_size(data: bytes) -> tuple[int, int]:
    width, height = open_png(data).size
    return (int(width), int(height))


def outline_problems(image: Image.Image) -> list[str]:
    """List why an outline icon breaks Teams' rule "white on a transparent background".

    Teams tints the outline icon itself, so any colour other than white and any opaque
    background shows up as a grey or black box in the app bar.
    """
    problems: list[str] = []
    if not has_alpha(image):
        problems.append("omrissikonet har ingen alfakanal (gjennomsiktighet)")
        return problems
    rgba = image.convert("RGBA")
    pixels = rgba_pixels(rgba)
    if any(a > 0 and (r, g, b) != (255, 255, 255) for r, g, b, a in pixels):
        problems.append("omrissikonet har piksler som ikke er hvite")
    width, height = rgba.size
    corners = [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]
    if any(rgba.getpixel(corner)[3] != 0 for corner in corners):  # type: ignore[index]
        problems.append("bakgrunnen i omrissikonet er ikke helt gjennomsiktig")
    if all(a == 0 for *_rgb, a in pixels):
        problems.append("omrissikonet er helt tomt")
    return problems


def validate_guid(value: str, what: str = "App-ID") -> str:
    """Return the GUID in lower case, the form Entra ID shows and Teams stores."""
    candidate = value.strip()
    if not _GUID_RE.fullmatch(candidate):
        raise ManifestError(
            f"{what} «{value}» er ikke en gyldig GUID. Forventet format: "
            "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (heksadesimale sifre)."
        )
    if candidate == NIL_GUID:
        # The committed placeholder: a package with it installs nowhere useful, and the
        # mistake would only surface when the bot stays silent in Teams.
        raise ManifestError(
            f"{what} kan ikke være plassholderen {NIL_GUID}. Bruk ID-en til "
            "appregistreringen i Microsoft Entra ID."
        )
    return candidate.lower()


def _check_length(errors: list[str], label: str, text: object, limit: int) -> None:
    if not isinstance(text, str) or not text.strip():
        errors.append(f"{label} mangler.")
    elif len(text) > limit:
        errors.append(f"{label} er {len(text)} tegn; Teams tillater høyst {limit}.")


def check_manifest(manifest: dict[str, Any]) -> None:
    """Fail on every text limit and structural rule Teams enforces for this app."""
    errors: list[str] = []
    name = manifest.get("name", {})
    description = manifest.get("description", {})
    _check_length(errors, "name.short", name.get("short"), MAX_NAME_SHORT)
    _check_length(errors, "name.full", name.get("full"), MAX_NAME_FULL)
    _check_length(errors, "description.short", description.get("short"), MAX_DESCRIPTION_SHORT)
    _check_length(errors, "description.full", description.get("full"), MAX_DESCRIPTION_FULL)
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", str(manifest.get("accentColor", ""))):
        errors.append("accentColor må være en heksadesimal farge som #1F6F78.")
    icons = manifest.get("icons", {})
    if icons.get("color") != COLOR_ICON or icons.get("outline") != OUTLINE_ICON:
        errors.append(f"icons må peke på {COLOR_ICON} og {OUTLINE_ICON}.")
    bots = manifest.get("bots")
    if not isinstance(bots, list) or len(bots) != 1:
        errors.append("Manifestet må ha nøyaktig én bot.")
    else:
        for command_list in bots[0].get("commandLists", []):
            for command in command_list.get("commands", []):
                title = command.get("title", "")
                _check_length(errors, f"Kommandoen «{title}»", title, MAX_COMMAND_TITLE)
                _check_length(
                    errors,
                    f"Beskrivelsen av «{title}»",
                    command.get("description"),
                    MAX_COMMAND_DESCRIPTION,
                )
    if errors:
        raise ManifestError("Manifestet er ugyldig:\n- " + "\n- ".join(errors))


PLACEHOLDER_HOST = "example.org"


def fill_urls(manifest: dict[str, Any], privacy_url: str | None, terms_url: str | None) -> None:
    """The school's own pages: Teams shows them to every user who installs the app."""
    developer = manifest.setdefault("developer", {})
    if privacy_url:
        developer["privacyUrl"] = privacy_url
    if terms_url:
        developer["termsOfUseUrl"] = terms_url
    missing = [
        key
        for key, option in (("privacyUrl", "privacy_url"), ("termsOfUseUrl", "terms_url"))
        if PLACEHOLDER_HOST in str(developer.get(key, PLACEHOLDER_HOST))
        or not str(developer.get(key, "")).startswith("https://")
    ]
    if missing:
        raise ManifestError(
            "Personvern- og vilkårssiden må være skolens egne: sett [school] privacy_url og "
            "terms_url i skolens TOML-fil (eller --privacy-url og --terms-url). "
            f"Mangler: {', '.join(missing)}."
        )


def fill_ids(template: dict[str, Any], app_id: str, bot_id: str) -> dict[str, Any]:
    """Put the school's ids into a copy of the template, leaving the committed file untouched.

    webApplicationInfo uses the bot's registration because that is the Entra ID app the bot
    uses for single sign-on and Graph; `api://botid-{id}` is the resource form Teams expects
    for bot SSO.
    """
    manifest = copy.deepcopy(template)
    manifest["id"] = app_id
    for bot in manifest.get("bots", []):
        bot["botId"] = bot_id
    manifest["webApplicationInfo"] = {"id": bot_id, "resource": f"api://botid-{bot_id}"}
    return manifest


def check_icons(color: bytes, outline: bytes) -> None:
    errors: list[str] = []
    color_size = png_size(color)
    if color_size != COLOR_ICON_SIZE:
        errors.append(
            f"{COLOR_ICON} er {color_size[0]}×{color_size[1]} piksler; "
            f"Teams krever {COLOR_ICON_SIZE[0]}×{COLOR_ICON_SIZE[1]}."
        )
    outline_size = png_size(outline)
    if outline_size != OUTLINE_ICON_SIZE:
        errors.append(
            f"{OUTLINE_ICON} er {outline_size[0]}×{outline_size[1]} piksler; "
            f"Teams krever {OUTLINE_ICON_SIZE[0]}×{OUTLINE_ICON_SIZE[1]}."
        )
    else:
        errors.extend(f"{OUTLINE_ICON}: {p}." for p in outline_problems(open_png(outline)))
    if errors:
        raise ManifestError("Ikonene er ugyldige:\n- " + "\n- ".join(errors))


def build_app_package(
    app_id: str,
    out: Path,
    bot_id: str | None = None,
    manifest_dir: Path = DEFAULT_MANIFEST_DIR,
    *,
    privacy_url: str | None = None,
    terms_url: str | None = None,
) -> Path:
    """Write the Teams app package and return its path.

    Everything is validated before the zip is opened, so a failed build never leaves a
    half-written package behind for someone to upload by mistake.
    """
    app_id = validate_guid(app_id, "App-ID")
    bot_id = app_id if bot_id is None else validate_guid(bot_id, "Bot-ID")

    try:
        template = json.loads((manifest_dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        color = (manifest_dir / COLOR_ICON).read_bytes()
        outline = (manifest_dir / OUTLINE_ICON).read_bytes()
    except FileNotFoundError as exc:
        raise ManifestError(f"Fant ikke {exc.filename}.") from exc
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{MANIFEST_FILE} er ikke gyldig JSON: {exc}") from exc
    if not isinstance(template, dict):
        raise ManifestError(f"{MANIFEST_FILE} må inneholde et JSON-objekt.")

    manifest = fill_ids(template, app_id, bot_id)
    fill_urls(manifest, privacy_url, terms_url)
    check_manifest(manifest)
    check_icons(color, outline)

    manifest_bytes = (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    contents = {MANIFEST_FILE: manifest_bytes, COLOR_ICON: color, OUTLINE_ICON: outline}
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w") as archive:
        for name in PACKAGE_FILES:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, contents[name])
    return out


def main(argv: Sequence[str]) -> int:
    """Entry point for `python -m bot manifest`; returns a process exit code."""
    parser = argparse.ArgumentParser(
        prog="python -m bot manifest",
        description="Lag Teams-apppakken (zip) for Trygg skole.",
    )
    parser.add_argument(
        "--app-id",
        required=True,
        help="GUID for Teams-appen (som regel samme som botens app-ID i Entra ID)",
    )
    parser.add_argument("--out", required=True, type=Path, help="hvor zip-filen skal skrives")
    parser.add_argument(
        "--bot-id",
        default=None,
        help="botens app-ID i Entra ID / Azure Bot (standard: samme som --app-id)",
    )
    parser.add_argument("--privacy-url", help="skolens personvernerklæring (https)")
    parser.add_argument("--terms-url", help="skolens vilkår for bruk (https)")
    parser.add_argument(
        "--school-config",
        type=Path,
        default=None,
        help="skolens TOML-fil eller mappe med skoler; privacy_url og terms_url hentes derfra "
        "(standard: SCHOOL_CONFIG)",
    )
    args = parser.parse_args(list(argv))
    privacy_url, terms_url = args.privacy_url, args.terms_url
    if privacy_url is None or terms_url is None:
        from bot.config import ConfigError, Settings, load_deployment

        try:
            deployment = load_deployment(args.school_config or Settings.from_env().school_config)
        except ConfigError as exc:
            print(f"Feil: {exc}", file=sys.stderr)
            return 1
        # One app for every school: the first school's pages that has them.
        privacy_url = privacy_url or next(
            (s.privacy.privacy_url for s in deployment.schools if s.privacy.privacy_url), None
        )
        terms_url = terms_url or next(
            (s.privacy.terms_url for s in deployment.schools if s.privacy.terms_url), None
        )
    try:
        path = build_app_package(
            args.app_id,
            args.out,
            bot_id=args.bot_id,
            privacy_url=privacy_url,
            terms_url=terms_url,
        )
    except ManifestError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    print(f"Skrev Teams-apppakken til {path}")
    return 0
