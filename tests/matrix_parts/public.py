"""The public results pages (``public_results.*``): open to everyone, logged in or not.

``extend_world`` publishes the world's edition (``world["slug"]``, the demo youth edition) for
real: accepted entries imported into it, two judges' paper sheets, the compile job, then
``publish`` (version 1, 15 days of posting). If an earlier part already published it, its
publication is used as it is. ``version`` (the URL argument of
``public_results.version``) is its version number.
"""

from __future__ import annotations

# Entries of the world's youth edition (codes, titles, authors' names and birth dates; the
# birth dates fall in the youth age band of the demo edition).
WORLD_ENTRIES = {
    "KQ-HT-01": ("Thước đo góc thông minh", "HT", "Trường THCS Thử", "Yên Sơn",
                 "Nguyễn Minh Châu|2011-03-15|F", (92, 91)),
    "KQ-MT-01": ("Thùng rác phân loại tự động", "MT", "Trường THCS Thử", "Yên Sơn",
                 "Trần Gia Bảo|2010-09-02|M", (78, 79)),
    "KQ-MT-02": ("Giàn phơi quần áo dùng năng lượng mặt trời", "MT", "Trường THPT Thử", "",
                 "Lê Hà My|2008-01-20|F", (40, 42)),
}  # fmt: skip


def matrix() -> dict:
    from tests.test_access_matrix import public

    return {
        "public_results.index": public(),
        "public_results.edition": public(),
        "public_results.version": public(),
        "public_results.printable": public(),
        "public_results.xlsx": public(),
        "public_results.pdf": public(),
    }


def extend_world(world: dict, users: dict) -> None:
    """Publish the world's edition (module docstring); add ``version``."""
    from contest.contests.operations import get_edition
    from contest.extensions import db
    from contest.publication import operations as publish
    from tests.publication.public_fixtures import import_and_compile

    edition = get_edition(world["slug"])
    publication = publish.latest_publication(edition)
    if publication is None:
        import_and_compile(edition, WORLD_ENTRIES)
        publication = publish.publish(edition, users["organizer"])
        db.session.commit()
    world["version"] = publication.version
