"""Regenerate the Teams icons (color.png, outline.png) for the Trygg skole app package.

The PNGs are committed, so this script is only needed when the design changes. It is the
one place in the repository that uses Pillow, and nothing imports it; run it by hand with
`python manifest/make_icons.py` after `pip install Pillow`.

Teams requires a 192x192 full-colour icon and a 32x32 outline icon that is white on a fully
transparent background. Both are drawn at a larger scale and box-downsampled so that the
edges are anti-aliased instead of jagged; a box filter (unlike Lanczos) does not ring, so the
outline's background stays exactly transparent.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent

# Keep in sync with "accentColor" in manifest.json: Teams shows the accent colour around the
# colour icon, so a matching background makes the icon look intentional rather than boxed.
BACKGROUND = (0x1F, 0x6F, 0x78)
WHITE = (255, 255, 255)
SUPERSAMPLE = 8


def _shield(size: float, top: float, width: float, height: float) -> list[tuple[float, float]]:
    """Return a shield outline centred horizontally, as a polygon with a rounded-ish base."""
    cx = size / 2
    left = cx - width / 2
    right = cx + width / 2
    shoulder = top + height * 0.12
    waist = top + height * 0.55
    tip = top + height
    points: list[tuple[float, float]] = [
        (cx, top),
        (right, shoulder),
        (right, waist),
    ]
    # Curve from the right waist down to the tip and back up to the left waist, sampled as a
    # quadratic Bezier on each side so the shield does not look like a plain pentagon.
    steps = 24
    for i in range(1, steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * right + 2 * (1 - t) * t * right + t**2 * cx
        y = (1 - t) ** 2 * waist + 2 * (1 - t) * t * (tip - height * 0.12) + t**2 * tip
        points.append((x, y))
    for i in range(1, steps + 1):
        t = i / steps
        x = (1 - t) ** 2 * cx + 2 * (1 - t) * t * left + t**2 * left
        y = (1 - t) ** 2 * tip + 2 * (1 - t) * t * (tip - height * 0.12) + t**2 * waist
        points.append((x, y))
    points.append((left, shoulder))
    return points


def _check_mark(size: float, top: float, height: float) -> list[tuple[float, float]]:
    cx = size / 2
    mid = top + height * 0.50
    return [
        (cx - height * 0.20, mid),
        (cx - height * 0.05, mid + height * 0.15),
        (cx + height * 0.22, mid - height * 0.14),
    ]


def make_color(path: Path) -> None:
    """Draw a white shield with a check mark on the accent colour, filling the whole square."""
    big = 192 * SUPERSAMPLE
    image = Image.new("RGB", (big, big), BACKGROUND)
    draw = ImageDraw.Draw(image)
    top = big * 0.17
    height = big * 0.68
    draw.polygon(_shield(big, top, big * 0.54, height), fill=WHITE)
    draw.line(
        _check_mark(big, top, height),
        fill=BACKGROUND,
        width=round(big * 0.055),
        joint="curve",
    )
    image.resize((192, 192), Image.Resampling.BOX).save(path, optimize=True)


def make_outline(path: Path) -> None:
    """Draw the shield as a white stroke on transparency, as Teams' outline icons are."""
    big = 32 * SUPERSAMPLE
    mask = Image.new("L", (big, big), 0)
    draw = ImageDraw.Draw(mask)
    top = big * 0.09
    height = big * 0.82
    outer = _shield(big, top, big * 0.68, height)
    draw.polygon(outer, fill=255)
    inset = big * 0.09
    inner = _shield(big, top + inset, big * 0.68 - 2 * inset, height - 1.9 * inset)
    draw.polygon(inner, fill=0)
    draw.line(_check_mark(big, top, height), fill=255, width=round(big * 0.08), joint="curve")
    alpha = mask.resize((32, 32), Image.Resampling.BOX)
    # Colour channels are pure white everywhere (also where alpha is 0), so the icon contains
    # nothing but white at varying opacity, which is what Teams' validator looks for.
    outline = Image.merge("RGBA", (*Image.new("RGB", (32, 32), WHITE).split(), alpha))
    outline.save(path, optimize=True)


def main() -> None:
    make_color(HERE / "color.png")
    make_outline(HERE / "outline.png")


if __name__ == "__main__":
    main()
