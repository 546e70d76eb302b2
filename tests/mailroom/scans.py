"""Scans made in the test: cover sheets rendered by the portal, rasterized with pdftoppm, turned a few degrees and
noised like a fax; document pages drawn with Pillow; all put back into one PDF."""

from __future__ import annotations

import io
import random
import subprocess
import tempfile
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw

SCAN_DPI = 100  # a fax's fine mode is 204 x 196 dpi; 100 leaves less to spare
PAGE = (int(8.5 * SCAN_DPI), 11 * SCAN_DPI)


def rasterize(pdf: bytes) -> list[Image.Image]:
    """Every page of ``pdf`` as a greyscale image, by pdftoppm."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "in.pdf"
        source.write_bytes(pdf)
        subprocess.run(["pdftoppm", "-r", str(SCAN_DPI), "-gray", str(source), f"{folder}/p"], check=True)
        files = sorted(Path(folder).glob("p-*.pgm"), key=lambda path: int(path.stem.split("-")[1]))
        return [Image.open(path).copy() for path in files]


def scanned(image: Image.Image, rnd: random.Random, *, noise: float = 0.004) -> Image.Image:
    """Turned by up to 4 degrees either way, salt-and-pepper noise, then black and white like a fax."""
    angle = rnd.uniform(1.0, 4.0) * rnd.choice((-1, 1))
    image = image.convert("L").rotate(angle, resample=Image.Resampling.BILINEAR, expand=False, fillcolor=255)
    pixels = image.load()
    width, height = image.size
    for _ in range(int(width * height * noise)):
        pixels[rnd.randrange(width), rnd.randrange(height)] = rnd.choice((0, 255))
    return image.point(lambda value: 255 if value > 140 else 0, mode="1")


def document_page(label: str, rnd: random.Random, *, foreign_qr: str = "") -> Image.Image:
    """A page of a record: a heading, lines of "text", perhaps another party's QR code (not a cover sheet)."""
    image = Image.new("L", PAGE, 255)
    draw = ImageDraw.Draw(image)
    draw.text((70, 60), label, fill=0)
    y = 110
    while y < PAGE[1] - 120:
        draw.line([(70, y), (rnd.randint(300, PAGE[0] - 70), y)], fill=0, width=2)
        y += rnd.randint(18, 30)
    if foreign_qr:
        code = qrcode.make(foreign_qr).get_image().convert("L").resize((150, 150))
        image.paste(code, (PAGE[0] - 230, 40))
    return image


def qr_sheet(text: str) -> Image.Image:
    """A sheet someone made themselves: just a QR code of ``text`` (a forged or home-made cover sheet)."""
    image = Image.new("L", PAGE, 255)
    ImageDraw.Draw(image).text((70, 60), "Records cover sheet", fill=0)
    code = qrcode.make(text, error_correction=qrcode.constants.ERROR_CORRECT_Q).get_image().convert("L")
    image.paste(code.resize((220, 220)), (70, 250))
    return image


def blotted(image: Image.Image, rnd: random.Random) -> Image.Image:
    """A sheet whose barcode was blotted (ink, a fold): its finder patterns remain, its data does not."""
    import zxingcpp

    image = image.copy()
    found = zxingcpp.read_barcodes(image)
    assert found, "the sheet to blot must read before it is blotted"
    position = found[0].position
    x0, y0 = position.top_left.x, position.top_left.y
    x1, y1 = position.bottom_right.x, position.bottom_right.y
    width = x1 - x0
    draw = ImageDraw.Draw(image)
    for _ in range(200):
        cx = rnd.randint(int(x0 + width * 0.3), int(x1 - width * 0.05))
        cy = rnd.randint(int(y0 + width * 0.3), int(y1 - width * 0.05))
        draw.rectangle([cx, cy, cx + 6, cy + 6], fill=rnd.choice((0, 255)))
    return image


def to_pdf(images: list[Image.Image]) -> bytes:
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", save_all=True, append_images=images[1:], resolution=SCAN_DPI)
    return buffer.getvalue()
