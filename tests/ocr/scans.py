"""Scans and photos made on the spot with Pillow: pages of text, then the damage a
copier, a fax or a phone camera does to them (turn, skew, noise, blur, shrink).

DejaVu (Debian `fonts-dejavu-core`) covers Spanish and Vietnamese letters.
"""

from __future__ import annotations

import io
import random
from email.message import EmailMessage
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
LETTER = (1275, 1650)  # US letter at 150 dpi


def font_available() -> bool:
    return FONT.is_file()


def page(lines: list[str], size: tuple[int, int] = LETTER, points: int = 26) -> Image.Image:
    """A white page with the lines typed on it; the first line is a bold heading."""
    img = Image.new("L", size, 255)
    draw = ImageDraw.Draw(img)
    body = ImageFont.truetype(str(FONT), points)
    heading = ImageFont.truetype(str(BOLD), points + 6)
    y = size[1] // 12
    for n, line in enumerate(lines):
        draw.text((size[0] // 12, y), line, font=heading if n == 0 else body, fill=0)
        y += int(points * (2.2 if n == 0 else 1.7))
    return img


def turned(img: Image.Image, degrees: float) -> Image.Image:
    """Rotated counter-clockwise on white paper (90/180 = fed sideways; 3-7 = skewed)."""
    return img.rotate(degrees, expand=True, fillcolor=255, resample=Image.Resampling.BICUBIC)


def noisy(img: Image.Image, amount: int = 40, seed: int = 7) -> Image.Image:
    """Speckle and uneven grey, as a copier or a phone sensor adds."""
    rnd = random.Random(seed)
    out = img.copy()
    px = out.load()
    assert px is not None
    w, h = out.size
    for _ in range(w * h // 60):
        x, y = rnd.randrange(w), rnd.randrange(h)
        px[x, y] = max(0, min(255, int(px[x, y]) + rnd.randint(-amount * 3, amount)))  # type: ignore[arg-type]
    return out


def blurred(img: Image.Image, radius: float = 1.0) -> Image.Image:
    return img.filter(ImageFilter.GaussianBlur(radius))


def shrunk(img: Image.Image, factor: float) -> Image.Image:
    size = (int(img.width * factor), int(img.height * factor))
    return img.resize(size, Image.Resampling.BILINEAR)


def photographed(img: Image.Image) -> Image.Image:
    """A phone photo of a page: shaded paper, a few degrees off, soft, in colour, small."""
    shade = Image.linear_gradient("L").resize(img.size).point(lambda v: 150 + v // 3)
    paper = Image.composite(img, shade, img.point(lambda v: 255 if v < 128 else 0))
    return shrunk(blurred(turned(paper, 3.5), 0.8), 0.6).convert("RGB")


def whiteboard(lines: list[str]) -> Image.Image:
    """A photo of a whiteboard: marker writing on glare, grey edges, in colour."""
    img = page(lines, (1400, 900), points=44)
    glare = Image.radial_gradient("L").resize(img.size).point(lambda v: 170 + v // 4)
    ink = img.point(lambda v: 255 * (v < 128))
    board = Image.composite(Image.new("L", img.size, 40), glare, ink)
    return blurred(board, 1.2).convert("RGB")


def logo(text: str = "WPSD") -> Image.Image:
    img = Image.new("RGB", (240, 80), (20, 50, 120))
    ImageDraw.Draw(img).text((20, 15), text, font=ImageFont.truetype(str(BOLD), 40), fill="white")
    return img


def encoded(img: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    img.save(out, fmt, **kw)
    return out.getvalue()


def png(img: Image.Image) -> bytes:
    return encoded(img, "PNG", optimize=True)


def jpeg(img: Image.Image, quality: int = 70) -> bytes:
    return encoded(img.convert("RGB"), "JPEG", quality=quality)


def fax_tiff(pages: list[Image.Image]) -> bytes:
    """A multi-page Group 4 (CCITT T.6) fax TIFF, 1 bit per pixel."""
    bilevel = [p.convert("1") for p in pages]
    return encoded(bilevel[0], "TIFF", compression="group4", save_all=True,
                   append_images=bilevel[1:])  # fmt: skip


def image_pdf(pages: list[Image.Image]) -> bytes:
    """An image-only PDF, as a scanner writes it: no text layer at all."""
    rgb = [p.convert("RGB") for p in pages]
    return encoded(rgb[0], "PDF", resolution=150.0, save_all=True, append_images=rgb[1:])


def docx_with_picture(picture: bytes, caption: str = "See the scan below.") -> bytes:
    """A Word document with one paragraph and one pasted picture (python-docx)."""
    import docx
    from docx.shared import Inches

    doc = docx.Document()
    doc.add_paragraph(caption)
    doc.add_picture(io.BytesIO(picture), width=Inches(6))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def odt_with_picture(picture: bytes) -> bytes:
    """An OpenDocument text (written by odfpy) with the picture in Pictures/."""
    from odf.draw import Frame
    from odf.draw import Image as DrawImage
    from odf.opendocument import OpenDocumentText
    from odf.text import P

    doc = OpenDocumentText()
    doc.text.addElement(P(text="Scan attached."))
    href = doc.addPicture("Pictures/scan.png", "image/png", picture)
    frame = Frame(width="16cm", height="20cm", anchortype="paragraph")
    frame.addElement(DrawImage(href=href))
    para = P()
    para.addElement(frame)
    doc.text.addElement(para)
    out = io.BytesIO()
    doc.write(out)
    return out.getvalue()


def mail(
    body: str,
    attachments: list[tuple[str, bytes, str]] = (),  # type: ignore[assignment]
    to: str = "someone@gmail.com",
    subject: str = "Scan",
) -> bytes:
    """A message from a district teacher with (name, data, mime type) attachments."""
    msg = EmailMessage()
    msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(body)
    for name, data, ctype in attachments:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def html_mail_with_inline(picture: bytes, to: str = "someone@gmail.com") -> bytes:
    """HTML mail showing a picture through `cid:` (multipart/related), no file name."""
    msg = EmailMessage()
    msg["From"] = "Pat Teacher <pteacher@westpark.k12.ca.us>"
    msg["To"] = to
    msg["Subject"] = "Form"
    msg.set_content("Here is the form.")
    msg.add_alternative('<p>Here is the form.</p><img src="cid:form1@westpark">', subtype="html")
    html = msg.get_payload()[1]  # type: ignore[index]
    html.add_related(picture, maintype="image", subtype="png", cid="<form1@westpark>")
    return msg.as_bytes()
