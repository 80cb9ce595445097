"""The text of a generated PDF, as a reader would copy it."""
import io

from pypdf import PdfReader


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)
