"""Landing page, role home pages and the language switch."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from ..accounts.models import Role
from ..contests.open_calls import open_calls, provinces_with_calls
from ..extensions import db
from ..forms import EmptyForm
from ..permissions import role_required
from ..redirects import back_to
from ..timeutil import utcnow

bp = Blueprint("main", __name__)

# The page each role lands on after login, in order of precedence.
ROLE_HOMES = (
    (Role.ADMIN, "main.organizer_home"),
    (Role.ORGANIZER, "main.organizer_home"),
    (Role.COORDINATOR, "main.coordinator_home"),
    (Role.JUDGE, "main.judge_home"),
    (Role.ENTRANT, "main.entrant_home"),
)


def home_endpoint_for(user) -> str:
    """The endpoint of ``user``'s home page."""
    for role, endpoint in ROLE_HOMES:
        if role in user.role_names:
            return endpoint
    return "accounts.profile"


@bp.get("/")
def index():
    """Public landing page: the editions open for entries first, with the days left, then
    each province the instance serves with its open editions."""
    now = utcnow()
    calls = open_calls(now)
    return render_template(
        "main/index.html", calls=calls, provinces=provinces_with_calls(calls, now)
    )


@bp.get("/home")
@login_required
def home():
    """Send the user to their role's home page."""
    return redirect(url_for(home_endpoint_for(current_user)))


@bp.get("/organizer/")
@role_required(Role.ORGANIZER)
def organizer_home():
    """Organizer's home page: each current edition's stage and next action, shortcuts, and
    how many users, areas and units there are."""
    from ..accounts.operations import ROLE_LABELS
    from ..areas.provinces import user_province_id
    from ..season.cockpit import cockpit
    from .overview import area_counts, current_editions, users_per_role

    own = user_province_id(current_user)  # an organizer of a province: its figures only
    return render_template(
        "main/organizer_home.html",
        seasons=[cockpit(edition) for edition in current_editions()],
        role_counts=users_per_role(own),
        role_labels=ROLE_LABELS,
        area_counts=area_counts(own),
    )


@bp.get("/coordinator/")
@role_required(Role.COORDINATOR)
def coordinator_home():
    """Coordinator's home page: per edition taking or checking entries, the area's counts by
    stage with its deadline, drafts to follow up (with contacts) and entries missing files;
    then the area, its sub-areas and its units."""
    from ..areas import groups
    from ..areas import operations as area_ops
    from ..areas.models import Area, AreaGroup
    from ..entries.follow_up import follow_up

    area = db.session.get(Area, current_user.coordinator_area_id())
    children = area_ops.children_with_counts(area) if area else []
    units = area_ops.units_under(area.id) if area else []
    group = db.session.get(AreaGroup, current_user.coordinator_group_id() or 0)
    if group is not None:  # a cluster or sector: its members, not the whole province
        children, units = groups.member_rows(group), groups.member_units(group)
    return render_template(
        "main/coordinator_home.html",
        area=area,
        group=group,
        group_kind_labels=groups.KIND_LABELS,
        editions=follow_up(current_user, area, utcnow()) if area else [],
        path=area_ops.path_of(area) if area else [],
        children=children,
        units=units,
        kind_labels=area_ops.UNIT_KIND_LABELS,
        level_labels=area_ops.LEVEL_LABELS,
    )


@bp.get("/judge/")
@role_required(Role.JUDGE)
def judge_home():
    """Judge's home page: current work first (open windows, sheets not yet submitted), then
    rounds whose judging has not opened yet (with when it opens), then past rounds, folded."""
    from ..judging.views_judge import assigned_groups
    from .overview import judge_sections

    groups = assigned_groups(current_user)
    return render_template(
        "main/judge_home.html", groups=groups, sections=judge_sections(groups, utcnow())
    )


@bp.get("/my/")
@role_required(Role.ENTRANT)
def entrant_home():
    """Entrant's home page: their entries and the editions open now."""
    from ..entries.views_entrant import home_context

    return render_template("main/entrant_home.html", **home_context(current_user))


@bp.post("/lang/<code>")
def set_language(code: str):
    """Switch the UI language (``vi`` or ``en``) and go back where the user was."""
    form = EmptyForm()
    if form.validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        if current_user.is_authenticated:
            current_user.locale = code
            db.session.commit()
    return redirect(
        back_to(request.form.get("next"), request.referrer, default=url_for("main.index"))
    )
