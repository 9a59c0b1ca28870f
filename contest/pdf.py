"""PDF rendering with WeasyPrint, shared by paper score sheets, the official list, the
summary report and the national dossiers: self-contained HTML and one stylesheet, with every
external resource refused (nothing is fetched while a PDF is made)."""

from __future__ import annotations

from pathlib import Path


def no_fetch(url: str, *args, **kwargs):
    """WeasyPrint URL fetcher that refuses every resource: the templates are self-contained."""
    raise ValueError(f"external resource refused: {url}")


def render_pdf(html: str, stylesheet: Path | str) -> bytes:
    """The PDF of ``html`` styled by the CSS file ``stylesheet``."""
    from weasyprint import CSS, HTML  # imported late: heavy, and only jobs and exports need it

    css = CSS(filename=str(stylesheet), url_fetcher=no_fetch)
    return HTML(string=html, url_fetcher=no_fetch).write_pdf(stylesheets=[css])
