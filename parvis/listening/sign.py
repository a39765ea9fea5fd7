"""The printable sign of a field question: an A4 or A3 PDF to put up where the question is asked.

Built from a plain ``SignContent`` (no model here), drawn with ReportLab's canvas in its
standard Helvetica (WinAnsi encoding covers French: é, à, œ, ’, « »), so the PDF embeds no font
and the portal downloads nothing. The QR code is drawn as vector squares from segno's matrix:
sharp at any print size.

Type sizes, for a sign read at 3 m (the question, the code and the number):
the usual signage rule for text that must be *read* (not just noticed) is a capital height of
about 1/300 of the reading distance: 10 mm at 3 m. Helvetica-Bold's capital height is 0.718 em,
so 10 mm needs 10 / 0.718 = 13.9 mm = 40 pt. On A4 the question starts at 60 pt and shrinks to
fit, never below 40 pt (a 160-character question with six choices fits at 40 pt: see
``test_sign.py``); the code and the SMS number are 44 pt (11 mm capitals); the answers 28 pt
(read from about 2 m, once the passer-by has stopped). The closing date (16 pt) and the privacy
notice (11 pt) are read up close, like the QR code (58 mm on A4: a phone reads it from 1 m).
A3 is the same layout scaled by √2 (every size × 1.41: the question reads from about 4 m).
Colours: black on white, white on near-black for the header band (contrast 19:1 and 17:1).
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

import segno
from reportlab.lib.colors import Color, black, white
from reportlab.lib.pagesizes import A3, A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas

PAPER = {"a4": A4, "a3": A3}
SCALE = {"a4": 1.0, "a3": 2**0.5}
INK = Color(0.07, 0.07, 0.07)  # near-black: 19:1 on white
BOLD = "Helvetica-Bold"
REGULAR = "Helvetica"
QUESTION_MAX_PT = 60
QUESTION_MIN_PT = 40  # 10 mm capitals: read at 3 m (see the module docstring)
CHOICE_PT = 28
QR_MM = 58  # 58 mm on A4, 82 mm on A3: a phone reads it from 1 m or more
LEADING = 1.15
MONTHS = (
    "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
).split()


@dataclass(frozen=True)
class SignContent:
    """Everything the sign prints (all text already in French)."""

    question: str
    code: str
    url: str  # absolute address of the answer page, encoded in the QR code
    short_url: str  # the same, printed without the scheme
    sms_number: str  # as it should be dialled, e.g. "06 44 63 12 12"; "" when SMS is off
    sms_keyword: str = ""  # a city keyword before the code on a shared number, or ""
    closes_at: dt.datetime | None = None
    choices: list[str] = field(default_factory=list)
    privacy: str = (
        "Réponse anonyme : votre numéro n'est jamais publié, ni gardé après notre réponse."
    )
    heading: str = "Une minute pour…"

    @property
    def sms_text(self) -> str:
        """What to type in the SMS before the answer, e.g. ``VELO12``."""
        return f"{self.sms_keyword} {self.code}".strip()


def french_date(moment: dt.datetime | dt.date) -> str:
    """« 12 mars 2027 »: how a date reads on a sign."""
    return f"{moment.day} {MONTHS[moment.month - 1]} {moment.year}"


class _Sheet:
    """A cursor down the page: each block is drawn under the previous one."""

    def __init__(self, canvas: Canvas, paper: str) -> None:
        self.canvas = canvas
        self.width, self.height = PAPER[paper]
        self.k = SCALE[paper]
        self.margin = 14 * mm * self.k
        self.inner = self.width - 2 * self.margin
        self.y = self.height - self.margin

    def pt(self, size: float) -> float:
        return size * self.k

    def lines(self, text: str, font: str, size: float, *, x: float | None = None) -> None:
        width = self.inner - ((x or self.margin) - self.margin)
        self.canvas.setFont(font, size)
        for line in simpleSplit(text, font, size, width):
            self.y -= size
            self.canvas.drawString(x or self.margin, self.y, line)
            self.y -= size * (LEADING - 1)


def _question_size(sheet: _Sheet, text: str, room: float) -> float:
    """The largest size (≤ 60 pt, ≥ 40 pt on A4) at which the question fits in ``room``."""
    size = sheet.pt(QUESTION_MAX_PT)
    while size > sheet.pt(QUESTION_MIN_PT):
        count = len(simpleSplit(text, BOLD, size, sheet.inner))
        if count * size * LEADING <= room:
            break
        size -= sheet.pt(2)
    return max(size, sheet.pt(QUESTION_MIN_PT))


def _header_bottom(sheet: _Sheet) -> float:
    return sheet.height - sheet.pt(30) * 1.9 - sheet.pt(12)


def _header(sheet: _Sheet, content: SignContent) -> None:
    band = sheet.pt(30) * 1.9
    c = sheet.canvas
    c.setFillColor(INK)
    c.rect(0, sheet.height - band, sheet.width, band, stroke=0, fill=1)
    c.setFillColor(white)
    c.setFont(BOLD, sheet.pt(30))
    c.drawString(sheet.margin, sheet.height - band + sheet.pt(30) * 0.6, content.heading)
    c.setFillColor(INK)
    sheet.y = _header_bottom(sheet)


def _choices(sheet: _Sheet, content: SignContent) -> None:
    """The numbered answers, in two columns beyond three (the SMS answer can be the number)."""
    if not content.choices:
        return
    sheet.y -= sheet.pt(8)
    items = [f"{number}  {label}" for number, label in enumerate(content.choices, start=1)]
    columns = (
        [items]
        if len(items) <= 3
        else [items[: (len(items) + 1) // 2], items[(len(items) + 1) // 2 :]]
    )
    size = sheet.pt(CHOICE_PT)
    width = sheet.inner / len(columns)
    top = sheet.y
    bottom = top
    sheet.canvas.setFont(BOLD, size)
    for index, column in enumerate(columns):
        y = top
        for item in column:
            y -= size
            label = simpleSplit(item, BOLD, size, width - sheet.pt(6))[0]
            sheet.canvas.drawString(sheet.margin + index * width, y, label)
            y -= size * (LEADING - 1)
        bottom = min(bottom, y)
    sheet.y = bottom


def _qr(sheet: _Sheet, url: str, x: float, y: float, side: float) -> None:
    """The QR code of ``url`` as vector squares, its quiet zone included, bottom-left at (x, y)."""
    qr = segno.make(url, error="m", micro=False)
    matrix = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
    module = side / len(matrix)
    c = sheet.canvas
    c.setFillColor(white)
    c.rect(x, y, side, side, stroke=0, fill=1)
    c.setFillColor(black)
    for row_index, row in enumerate(matrix):
        top = y + side - (row_index + 1) * module
        for col_index, dark in enumerate(row):
            if dark:
                # A hair wider than the module, so no white seams between neighbours.
                c.rect(x + col_index * module, top, module * 1.02, module * 1.02, stroke=0, fill=1)
    c.setFillColor(INK)


def _answer_lines(content: SignContent) -> list[tuple[str, str, float]]:
    """The left column of the answer block: (text, font, A4 size)."""
    if content.sms_number:
        return [
            ("Répondez par SMS au", REGULAR, 20),
            (content.sms_number, BOLD, 44),
            ("en écrivant", REGULAR, 20),
            (content.sms_text, BOLD, 44),
            ("suivi de votre réponse", REGULAR, 20),
            (f"ou sur {content.short_url}", BOLD, 18),
        ]
    return [
        ("Code", REGULAR, 20),
        (content.code, BOLD, 44),
        (f"Répondez sur {content.short_url}", BOLD, 18),
    ]


@dataclass(frozen=True)
class Layout:
    """Where the blocks go: the question's size and the answer block's top (in points)."""

    question_pt: float
    question_bottom: float  # after the question and the answers (choices)
    answer_top: float
    left_width: float


def _left_height(sheet: _Sheet, content: SignContent, width: float) -> float:
    return sum(
        len(simpleSplit(text, font, sheet.pt(size), width)) * sheet.pt(size) * 1.2
        for text, font, size in _answer_lines(content)
    )


def _layout(sheet: _Sheet, content: SignContent) -> Layout:
    qr_side = QR_MM * mm * sheet.k
    left_width = sheet.inner - qr_side - sheet.pt(12)
    block = max(qr_side + sheet.pt(18) * 1.4, _left_height(sheet, content, left_width))
    answer_top = _footer_top(sheet) + sheet.pt(10) + block
    choices_room = 0.0
    if content.choices:
        rows = (
            len(content.choices) if len(content.choices) <= 3 else (len(content.choices) + 1) // 2
        )
        choices_room = sheet.pt(8) + rows * sheet.pt(CHOICE_PT) * LEADING
    room = sheet.y - answer_top - choices_room - sheet.pt(10)
    size = _question_size(sheet, content.question, room)
    lines = len(simpleSplit(content.question, BOLD, size, sheet.inner))
    bottom = sheet.y - lines * size * LEADING - choices_room
    return Layout(
        question_pt=size, question_bottom=bottom, answer_top=answer_top, left_width=left_width
    )


def _answer_block(sheet: _Sheet, content: SignContent, layout: Layout) -> None:
    """The two ways to answer: SMS or the short address (left), the QR code (right)."""
    c = sheet.canvas
    qr_side = QR_MM * mm * sheet.k
    y = layout.answer_top
    x_qr = sheet.width - sheet.margin - qr_side
    _qr(sheet, content.url, x_qr, y - qr_side, qr_side)
    c.setFont(BOLD, sheet.pt(18))
    c.drawCentredString(x_qr + qr_side / 2, y - qr_side - sheet.pt(18) * 1.1, "Scannez-moi")
    for text, font, size in _answer_lines(content):
        size = sheet.pt(size)
        c.setFont(font, size)
        for line in simpleSplit(text, font, size, layout.left_width):
            y -= size
            c.drawString(sheet.margin, y, line)
            y -= size * 0.2


def _footer_top(sheet: _Sheet) -> float:
    return sheet.margin + sheet.pt(11) * 1.3 + sheet.pt(16) * 1.6


def _footer(sheet: _Sheet, content: SignContent) -> None:
    c = sheet.canvas
    top = _footer_top(sheet)
    c.setLineWidth(sheet.pt(1.5))
    c.line(sheet.margin, top, sheet.width - sheet.margin, top)
    if content.closes_at is not None:
        c.setFont(BOLD, sheet.pt(16))
        c.drawString(
            sheet.margin,
            top - sheet.pt(16) * 1.1,
            f"Répondez avant le {french_date(content.closes_at)}.",
        )
    size = sheet.pt(11)
    c.setFont(REGULAR, size)
    line_y = sheet.margin
    for line in reversed(simpleSplit(content.privacy, REGULAR, size, sheet.inner)):
        c.drawString(sheet.margin, line_y, line)
        line_y += size * LEADING


def sign_layout(content: SignContent, *, paper: str = "a4") -> Layout:
    """The layout ``sign_pdf`` uses (tests check that the blocks never overlap)."""
    sheet = _Sheet(Canvas(io.BytesIO(), pagesize=PAPER[paper]), paper)
    sheet.y = _header_bottom(sheet)
    return _layout(sheet, content)


def sign_pdf(content: SignContent, *, paper: str = "a4") -> bytes:
    """The PDF of the sign on ``paper`` ("a4" or "a3"), one portrait page."""
    if paper not in PAPER:
        raise ValueError(f"unknown paper {paper!r}")
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PAPER[paper], pageCompression=1, invariant=1)
    canvas.setTitle(f"{content.heading} {content.code} — {content.question}")
    canvas.setAuthor("Parvis")
    canvas.setSubject(content.url)
    sheet = _Sheet(canvas, paper)
    _header(sheet, content)
    layout = _layout(sheet, content)
    sheet.lines(content.question, BOLD, layout.question_pt)
    _choices(sheet, content)
    _answer_block(sheet, content, layout)
    _footer(sheet, content)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()
