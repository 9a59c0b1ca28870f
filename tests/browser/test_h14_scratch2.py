import pytest
from contest.contests.demo import TECHNICAL_SLUG, YOUTH_SLUG
from contest.demo import seed_demo
from tests.browser_support import axe_violations, describe_violations

pytestmark = pytest.mark.browser


def test_scan(live_server, page):
    base = live_server.url
    with live_server.app.app_context():
        logins = seed_demo()
    org = [l for l in logins if "organizer" in str(l[0]).lower() or "ban tổ chức" in str(l[0]).lower()]
    print(logins[:8])
    role, email, password = org[0] if org else logins[0]
    out = []
    def scan(path):
        page.goto(base + path)
        v = [x for x in axe_violations(page) if x["impact"] in ("serious", "critical")]
        out.append(f"== {path} {page.url}\n" + describe_violations(v))
    page.goto(base + "/login")
    page.fill('input[name="email"]', email)
    page.fill('input[name="password"]', password)
    page.click('form[data-testid="login-form"] button[type="submit"]')
    page.wait_for_load_state()
    s = TECHNICAL_SLUG
    for p in [f"/organizer/judging/{s}/", f"/organizer/judging/{s}/assignment", f"/organizer/results/{s}", f"/organizer/publication/{s}",
              f"/organizer/certificates/{s}", f"/organizer/national/{s}", f"/organizer/statistics/{s}", f"/organizer/season/{s}",
              f"/organizer/editions/{s}/criteria", f"/organizer/editions/{s}/prizes", f"/organizer/editions/{s}/rounds",
              f"/organizer/editions/{s}/boards", f"/organizer/editions/{s}/fields", f"/organizer/editions/{s}/eligibility",
              f"/organizer/editions/{s}/audit", f"/organizer/editions/{s}/extensions", f"/organizer/editions/{s}/clone",
              f"/organizer/editions/new", "/organizer/entries/", f"/organizer/entries/dashboard", f"/organizer/judging/{s}/progress",
              f"/organizer/announcements/{s}", "/organizer/areas/", "/invite", "/jobs/", f"/editions/{YOUTH_SLUG}", "/"]:
        scan(p)
    with open("/tmp/h14_axe2.txt", "w") as f:
        f.write("\n".join(out))
