"""PDF/A-2b's machine-checkable rules, checked with pikepdf (qpdf) and fontTools.

veraPDF, the reference validator, is Java and ships neither in Debian nor on PyPI; Maven
Central is out of reach here. These are the rules of ISO 19005-2 (numbered as veraPDF numbers
them) that a generator can get wrong, checked on the file itself: the header, the file
identifier, no encryption, the XMP metadata with its PDF/A identification, the output intent
and its ICC profile, every font embedded with widths that match its glyphs, no .notdef glyph
drawn, no device-dependent CMYK colour, no forbidden actions or embedded files, and a clean
parse by qpdf. What it cannot check (the colour of every image, the full XMP schema
validation) a veraPDF run on a sample file should confirm.
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from collections.abc import Iterator

import pikepdf
from fontTools.ttLib import TTFont

NS = {
    "x": "adobe:ns:meta/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
}


def xmp(data: bytes) -> ET.Element:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        packet = pdf.Root.Metadata.read_bytes().decode("utf-8")
    body = packet[packet.index("<x:xmpmeta") : packet.index("</x:xmpmeta>") + len("</x:xmpmeta>")]
    return ET.fromstring(body)


def _fonts(pdf: pikepdf.Pdf) -> Iterator[tuple[str, pikepdf.Dictionary]]:
    """Each font of the document once."""
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        for name, font in page.Resources.get("/Font", {}).items():
            assert isinstance(font, pikepdf.Dictionary)
            if font.objgen not in seen:
                seen.add(font.objgen)
                yield name, font


def _cid_to_gid(descendant: pikepdf.Dictionary) -> dict[int, int] | None:
    """None for /Identity."""
    mapping = descendant.get("/CIDToGIDMap")
    if mapping is None or mapping == pikepdf.Name.Identity:
        return None
    raw = mapping.read_bytes()
    return {i // 2: (raw[i] << 8) | raw[i + 1] for i in range(0, len(raw), 2)}


def _widths(descendant: pikepdf.Dictionary) -> dict[int, float]:
    found: dict[int, float] = {}
    w = list(descendant.get("/W", []))
    i = 0
    while i < len(w):
        first = int(w[i])
        if isinstance(w[i + 1], pikepdf.Array):
            for offset, value in enumerate(w[i + 1]):
                found[first + offset] = float(value)
            i += 2
        else:
            for cid in range(first, int(w[i + 1]) + 1):
                found[cid] = float(w[i + 2])
            i += 3
    return found


def _font_problems(name: str, font: pikepdf.Dictionary, used: set[int]) -> list[str]:
    problems: list[str] = []
    if font.Subtype != pikepdf.Name.Type0:
        return [f"{name}: {font.Subtype} font (only embedded CID fonts are expected)"]
    descendant = font.DescendantFonts[0]
    assert isinstance(descendant, pikepdf.Dictionary)
    descriptor = descendant.FontDescriptor
    if "/FontFile2" not in descriptor:
        return [f"{name}: font program not embedded (6.2.11.4.1)"]
    if descendant.Subtype != pikepdf.Name.CIDFontType2:
        problems.append(f"{name}: {descendant.Subtype}")
    if "/CIDToGIDMap" not in descendant:
        problems.append(f"{name}: no CIDToGIDMap (6.2.11.3.2)")
    if "/ToUnicode" not in font:
        problems.append(f"{name}: no ToUnicode map")
    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    scale = 1000 / program["head"].unitsPerEm
    metrics = program["hmtx"].metrics
    order = program.getGlyphOrder()
    cid_to_gid = _cid_to_gid(descendant)
    widths = _widths(descendant)
    default = float(descendant.get("/DW", 1000))
    for cid in sorted(used):
        gid = cid if cid_to_gid is None else cid_to_gid.get(cid, 0)
        if gid == 0:
            problems.append(f"{name}: CID {cid} draws the .notdef glyph (6.2.11.8)")
            continue
        if gid >= len(order):
            problems.append(f"{name}: CID {cid} maps to missing glyph {gid} (6.2.11.4.1)")
            continue
        advance = metrics[order[gid]][0] * scale
        width = widths.get(cid, default)
        if abs(advance - width) > 1:
            problems.append(f"{name}: CID {cid} width {width} != glyph {advance:.0f} (6.2.11.5)")
    return problems


def _drawn(pdf: pikepdf.Pdf) -> tuple[dict[tuple[int, int], set[int]], list[str]]:
    """The CIDs each font draws (following Tf through q/Q), and colour operators PDF/A forbids."""
    used: dict[tuple[int, int], set[int]] = {}
    problems: list[str] = []
    for number, page in enumerate(pdf.pages, start=1):
        fonts = page.Resources.get("/Font", pikepdf.Dictionary())
        current: tuple[int, int] | None = None
        stack: list[tuple[int, int] | None] = []
        for instruction in pikepdf.parse_content_stream(page):
            operands, op = instruction.operands, str(instruction.operator)
            if op == "q":
                stack.append(current)
            elif op == "Q":
                current = stack.pop() if stack else None
            elif op == "Tf":
                current = fonts[str(operands[0])].objgen
            elif op in ("Tj", "TJ", "'", '"'):
                last = operands[-1]
                strings = (
                    [o for o in last if isinstance(o, pikepdf.String)] if op == "TJ" else [last]
                )
                if current is None:
                    problems.append(f"page {number}: text shown with no font set")
                    continue
                codes = used.setdefault(current, set())
                for string in strings:
                    raw = bytes(string)
                    codes.update((raw[i] << 8) | raw[i + 1] for i in range(0, len(raw) - 1, 2))
            elif op in ("k", "K"):
                problems.append(f"page {number}: DeviceCMYK colour without a CMYK intent (6.2.4.3)")
    return used, problems


def pdfa_problems(data: bytes) -> list[str]:
    """Every PDF/A-2b rule above that `data` breaks; empty when all hold."""
    problems: list[str] = []
    first_lines = data[:64].split(b"\n")
    if first_lines[0] != b"%PDF-1.7":
        problems.append(f"header {first_lines[0]!r} (6.1.2)")
    comment = first_lines[1]
    if not (comment.startswith(b"%") and sum(b > 127 for b in comment[1:5]) == 4):
        problems.append("no binary comment after the header (6.1.2)")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        problems += [f"qpdf: {p}" for p in pdf.check_pdf_syntax()]
        trailer = pdf.trailer
        if "/Encrypt" in trailer:
            problems.append("encrypted (6.1.3)")
        ids = trailer.get("/ID")
        if ids is None or len(ids) != 2:
            problems.append("no file identifier in the trailer (6.1.3)")
        root = pdf.Root
        for key in ("/AA", "/Names", "/OCProperties"):
            if key in root:
                problems.append(f"catalog has {key}")
        action = root.get("/OpenAction")
        if isinstance(action, pikepdf.Dictionary) and "/S" in action:
            problems.append("an OpenAction that runs an action (6.5.1)")
        metadata = root.get("/Metadata")
        if metadata is None:
            problems.append("no XMP metadata (6.6.2.1)")
        elif "/Filter" in metadata.stream_dict:
            problems.append("the XMP metadata stream is filtered (6.6.2.1)")
        intents = [i for i in root.get("/OutputIntents", []) if i.S == pikepdf.Name.GTS_PDFA1]
        if len(intents) != 1:
            problems.append(f"{len(intents)} PDF/A output intents (6.2.3)")
        else:
            profile = intents[0].DestOutputProfile
            icc = profile.read_bytes()
            if int(profile.N) != 3 or icc[16:20] != b"RGB " or icc[36:40] != b"acsp":
                problems.append("the output intent's ICC profile is not an RGB profile (6.2.3)")
        for page in pdf.pages:
            for annot in page.get("/Annots", []):
                if not int(annot.get("/F", 0)) & 4:
                    problems.append("an annotation that does not print (6.3.2)")
        used, drawing = _drawn(pdf)
        problems += drawing
        for name, font in _fonts(pdf):
            problems += _font_problems(str(name), font, used.get(font.objgen, set()))
    if b"/JavaScript" in data or b"/EmbeddedFile" in data:
        problems.append("JavaScript or an embedded file (6.6.1, 6.8)")
    if not problems:
        description = xmp(data).find(".//rdf:Description", NS)
        assert description is not None
        part = description.findtext("pdfaid:part", namespaces=NS)
        conformance = description.findtext("pdfaid:conformance", namespaces=NS)
        if (part, conformance) != ("2", "B"):
            problems.append(f"XMP identifies PDF/A-{part}{conformance} (6.6.4)")
    return problems
