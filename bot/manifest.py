"""Build the Microsoft Teams app package (the zip an admin uploads) for Trygg skole.

The committed manifest/manifest.json carries placeholder GUIDs so that no tenant's ids end up
in the repository; each school fills in its own Entra ID app registration when it packages the
app. Teams rejects packages with subtle errors only at upload time (wrong icon size, a text a
few characters too long, a malformed GUID), and the admin who uploads it is rarely the person
who can fix it, so every rule we know Teams enforces is checked here first.

PNG files are inspected with the standard library only: the bot runtime must not depend on an
imaging library just to package two icons.
"""

from __future__ import annotations

import argparse
import copy
import json
import re
import struct
import sys
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class ManifestError(ValueError):
    """Raised with a Norwegian message an admin can act on without reading the code."""


@dataclass(frozen=True)
class PngImage:
    """Decoded 8-bit PNG, enough to check the icon rules Teams applies."""

    width: int
    height: int
    color_type: int
    # One (r, g, b, a) tuple per pixel, row by row; alpha is 255 for images without alpha.
    pixels: tuple[tuple[int, int, int, int], ...]

    @property
    def size(self) -> tuple[int, int]:
        return (self.width, self.height)

    @property
    def has_alpha(self) -> bool:
        return self.color_type in (4, 6)

    def pixel(self, x: int, y: int) -> tuple[int, int, int, int]:
        return self.pixels[y * self.width + x]


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    if not data.startswith(_PNG_SIGNATURE):
        raise ManifestError("Filen er ikke en PNG-fil.")
    chunks: list[tuple[bytes, bytes]] = []
    pos = len(_PNG_SIGNATURE)
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise ManifestError("PNG-filen er avkortet.")
        chunks.append((kind, body))
        pos += 12 + length
        if kind == b"IEND":
            break
    if not chunks or chunks[0][0] != b"IHDR":
        raise ManifestError("PNG-filen mangler IHDR-blokk.")
    return chunks


def png_size(data: bytes) -> tuple[int, int]:
    """Read width and height from the IHDR chunk without decoding any pixels."""
    ihdr = _png_chunks(data)[0][1]
    width, height = struct.unpack(">II", ihdr[:8])
    return (int(width), int(height))


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def decode_png(data: bytes) -> PngImage:
    """Decode a non-interlaced 8-bit PNG; that covers the icons Teams accepts and we ship."""
    chunks = _png_chunks(data)
    ihdr = chunks[0][1]
    width, height, bit_depth, color_type, _compression, _filter, interlace = struct.unpack(
        ">IIBBBBB", ihdr[:13]
    )
    channels_by_type = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
    if bit_depth != 8 or color_type not in channels_by_type or interlace != 0:
        raise ManifestError(
            "PNG-ikonet må være 8 bit per kanal og ikke interlaced "
            f"(fant bitdybde {bit_depth}, fargetype {color_type}, interlace {interlace})."
        )
    channels = channels_by_type[color_type]
    palette: list[tuple[int, int, int]] = []
    palette_alpha: bytes = b""
    for kind, body in chunks:
        if kind == b"PLTE":
            palette = [(body[i], body[i + 1], body[i + 2]) for i in range(0, len(body) - 2, 3)]
        elif kind == b"tRNS" and color_type == 3:
            palette_alpha = body
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ManifestError("PNG-filen har feil mengde bildedata.")

    rows: list[bytearray] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        filter_type = raw[start]
        row = bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = row[i - channels] if i >= channels else 0
            up = previous[i]
            up_left = previous[i - channels] if i >= channels else 0
            if filter_type == 1:
                row[i] = (row[i] + left) & 0xFF
            elif filter_type == 2:
                row[i] = (row[i] + up) & 0xFF
            elif filter_type == 3:
                row[i] = (row[i] + (left + up) // 2) & 0xFF
            elif filter_type == 4:
                row[i] = (row[i] + _paeth(left, up, up_left)) & 0xFF
            elif filter_type != 0:
                raise ManifestError(f"Ukjent PNG-filtertype {filter_type}.")
        rows.append(row)
        previous = row

    pixels: list[tuple[int, int, int, int]] = []
    for row in rows:
        for x in range(width):
            px = row[x * channels : (x + 1) * channels]
            if color_type == 0:
                pixels.append((px[0], px[0], px[0], 255))
            elif color_type == 2:
                pixels.append((px[0], px[1], px[2], 255))
            elif color_type == 3:
                r, g, b = palette[px[0]]
                a = palette_alpha[px[0]] if px[0] < len(palette_alpha) else 255
                pixels.append((r, g, b, a))
            elif color_type == 4:
                pixels.append((px[0], px[0], px[0], px[1]))
            else:
                pixels.append((px[0], px[1], px[2], px[3]))
    return PngImage(int(width), int(height), int(color_type), tuple(pixels))


def outline_problems(image: PngImage) -> list[str]:
    """List why an outline icon breaks Teams' rule "white on a transparent background".

    Teams tints the outline icon itself, so any colour other than white and any opaque
    background shows up as a grey or black box in the app bar.
    """
    problems: list[str] = []
    if not image.has_alpha:
        problems.append("omrissikonet har ingen alfakanal (gjennomsiktighet)")
        return problems
    if any(a > 0 and (r, g, b) != (255, 255, 255) for r, g, b, a in image.pixels):
        problems.append("omrissikonet har piksler som ikke er hvite")
    corners = [(0, 0), (image.width - 1, 0), (0, image.height - 1)]
    corners.append((image.width - 1, image.height - 1))
    if any(image.pixel(x, y)[3] != 0 for x, y in corners):
        problems.append("bakgrunnen i omrissikonet er ikke helt gjennomsiktig")
    if all(a == 0 for *_rgb, a in image.pixels):
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
        errors.extend(f"{OUTLINE_ICON}: {p}." for p in outline_problems(decode_png(outline)))
    if errors:
        raise ManifestError("Ikonene er ugyldige:\n- " + "\n- ".join(errors))


def build_app_package(
    app_id: str,
    out: Path,
    bot_id: str | None = None,
    manifest_dir: Path = DEFAULT_MANIFEST_DIR,
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
    args = parser.parse_args(list(argv))
    try:
        path = build_app_package(args.app_id, args.out, bot_id=args.bot_id)
    except ManifestError as exc:
        print(f"Feil: {exc}", file=sys.stderr)
        return 1
    print(f"Skrev Teams-apppakken til {path}")
    return 0
