"""Flushing an edition's changes safely: constraint violations and concurrent edits become
:class:`~.validation.InvalidEdition` problems instead of raw database errors."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from .models import Edition
from .validation import InvalidEdition, Problem


def flush_edition(slug: str, new: Edition | None = None) -> None:
    """Flush (adding ``new``) in a savepoint; a constraint violation or a concurrent change
    becomes an :class:`InvalidEdition`."""
    try:
        with db.session.begin_nested():
            if new is not None:
                db.session.add(new)
            db.session.flush()
    except IntegrityError as exc:
        if "slug" in str(exc.orig).lower():
            raise InvalidEdition([Problem("slug", _("đã có lần thi với mã '%(s)s'", s=slug))])
        raise InvalidEdition([Problem("", _("dữ liệu không hợp lệ: %(e)s", e=str(exc.orig)))])
    except StaleDataError:
        raise InvalidEdition(
            [Problem("", _("lần thi vừa được người khác sửa; hãy tải lại rồi sửa lại"))]
        )
