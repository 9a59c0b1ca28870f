"""What job kinds and statuses are called in the UI (Vietnamese msgids)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from .models import JobStatus
from .operations import KIND_LABELS

STATUS_LABELS = {
    JobStatus.PENDING.value: _l("Đang chờ"),
    JobStatus.QUEUED.value: _l("Trong hàng đợi"),
    JobStatus.RUNNING.value: _l("Đang chạy"),
    JobStatus.SUCCEEDED.value: _l("Hoàn thành"),
    JobStatus.FAILED.value: _l("Thất bại"),
}

# Bootstrap colour of each status (badges and the progress bar).
STATUS_COLOURS = {
    JobStatus.PENDING.value: "secondary",
    JobStatus.QUEUED.value: "info",
    JobStatus.RUNNING.value: "primary",
    JobStatus.SUCCEEDED.value: "success",
    JobStatus.FAILED.value: "danger",
}

# Kinds whose handler lives in a module that does not name them (see job_handler(label=)).
_BUILTIN_KIND_LABELS = {
    "mail.send": _l("Gửi e-mail"),
}


def kind_label(kind: str) -> str:
    """The label of job kind ``kind`` in the user's language (the kind itself if unnamed)."""
    label = KIND_LABELS.get(kind) or _BUILTIN_KIND_LABELS.get(kind)
    return str(label) if label is not None else kind


def status_label(status: str) -> str:
    """The label of job status ``status`` in the user's language."""
    label = STATUS_LABELS.get(status)
    return str(label) if label is not None else status
