import pytest
from contest.areas.tree import find_area
from tests.browser_support import axe_violations, describe_violations
from tests.entries_ui.conftest import make_entry, open_edition
from tests.browser.test_form_errors_phone import log_in

pytestmark = pytest.mark.browser


def test_scan(live_server, page, users, chromium):
    base = live_server.url
    youth = open_edition("youth", "ttn-axe", users["organizer"])
    area = find_area("Yên Sơn", find_area("Tuyên Quang"))
    entry = make_entry(youth, users["entrant"], area, title="Máy gieo hạt", submit=True)
    entry2 = make_entry(youth, users["entrant"], area, title="Máy 2")
    out = []
    def scan(path):
        page.goto(base + path)
        v = [x for x in axe_violations(page) if x["impact"] in ("serious", "critical")]
        out.append(f"== {path}\n" + describe_violations(v))
    for p in ["/", "/editions/", f"/editions/{youth.slug}", "/login", "/register", "/verify", "/results/"]:
        scan(p)
    log_in(page, base, users["organizer"])
    for p in ["/organizer/", "/organizer/editions/", f"/organizer/editions/{youth.slug}", f"/organizer/editions/{youth.slug}/general",
              "/organizer/entries/", f"/organizer/entries/{entry.id}", "/organizer/judging/", "/organizer/results/", "/organizer/publication/",
              "/organizer/certificates/", "/organizer/jobs/", "/organizer/areas/", f"/organizer/season/{youth.slug}"]:
        scan(p)
    ctx = chromium.new_context(); p2 = ctx.new_page(); page = p2
    log_in(page, base, users["entrant"])
    for p in ["/my/", f"/my/entries/{entry2.id}/authors", f"/my/entries/{entry2.id}/files", f"/my/entries/{entry2.id}/review", f"/my/entries/{entry.id}"]:
        scan(p)
    open("/tmp/h14_axe.txt", "w").write("\n".join(out))
    ctx.close()
