"""Text normalisation shared by every package: Vietnamese letters composed (Unicode NFC).

Text from forms, spreadsheets, PDFs and Word files may arrive decomposed ("e" + combining
marks); names are compared, searched, masked and printed in their composed form.
"""

from __future__ import annotations

import unicodedata
from typing import Any


def nfc(text: Any) -> str:
    """``text`` (any value; None is "") as a string in Unicode NFC."""
    return unicodedata.normalize("NFC", "" if text is None else str(text))
