"""The call for papers end to end in a real Chromium, with mail through a real SMTP server:
a speaker signs up and verifies the address from the received message, submits with a
co-speaker who accepts the invitation; a reviewer scores in an anonymous phase without
seeing the speakers; the organiser accepts in the dashboard and sends the acceptance from the
outbox; the speaker confirms; the session is among the work-in-progress schedule's
unscheduled sessions.  And the hand-off: a talk one co-located event rejected is offered to another,
the speaker accepts, and it is in the other's review with its text and history."""

from __future__ import annotations

import datetime as dt
import os
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from chromium import NEEDS_CHROMIUM

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse the
# test's own database queries as "async-unsafe".
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from hallway.cfp.models import ScoreCategory, Submission  # noqa: E402
from hallway.events.models import Event, EventRole  # noqa: E402
from hallway.schedule.services import unscheduled_sessions  # noqa: E402

from .conftest import give_role, make_user  # noqa: E402

PASSWORD = "a-long-demo-passphrase-1"  # noqa: S105 - test accounts only

pytestmark = NEEDS_CHROMIUM


def _page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def sign_up_and_verify(page, base: str, smtp, address: str, next_path: str = "") -> None:
    page.goto(f"{base}/accounts/signup/{'?next=' + next_path if next_path else ''}")
    page.fill("input[name=email]", address)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/confirm-email/**")
    link = smtp.link(address, r"/accounts/confirm-email/\S+")
    page.goto(base + _path(link))
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_load_state()


def log_in(page, base: str, address: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=login]", address)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/accounts/submissions/")


@pytest.mark.django_db(transaction=True)
def test_from_sign_up_to_the_work_in_progress_schedule(live_server, demo, browser, smtp):
    from playwright.sync_api import expect

    base = live_server.url
    kcd = Event.objects.get(slug="kcd-pasadena")
    cfp = kcd.cfp
    cfp.opens_at = timezone.now() - dt.timedelta(days=1)
    cfp.closes_at = timezone.now() + dt.timedelta(days=20)
    cfp.anonymised_review = True
    cfp.save()
    relevance = ScoreCategory.objects.create(cfp=cfp, name="Relevance", weight=2, max_score=5)
    ScoreCategory.objects.create(cfp=cfp, name="Clarity", weight=1, max_score=5)
    reviewer = make_user("rita@example.net", name="Rita Reviewer", password=PASSWORD)
    give_role(reviewer, kcd, EventRole.REVIEWER)
    give_role(make_user("olga@example.net", password=PASSWORD), kcd)

    # 1. The speaker signs up, verifies the address from the mail, fills in a profile and
    #    submits.
    speaker = _page(browser)
    sign_up_and_verify(speaker, base, smtp, "sam@example.net")
    speaker.goto(f"{base}/kcd-pasadena/cfp/")
    expect(speaker.locator(".notice")).to_contain_text("PST")
    speaker.get_by_role("link", name="Submit a proposal").click()
    speaker.wait_for_url("**/accounts/speaker-profile/**")
    speaker.fill("input[name=name]", "Sam Speakwell")
    speaker.fill("textarea[name=bio]", "Sam runs *many* clusters.")
    speaker.get_by_role("button", name="Save profile").click()
    speaker.wait_for_url("**/kcd-pasadena/cfp/submit/")
    speaker.fill("input[name=title]", "Upgrading 40 clusters in a weekend")
    speaker.select_option("select[name=session_type]", label="Talk")
    speaker.select_option("select[name=track]", label="Kubernetes")
    speaker.fill("textarea[name=abstract]", "How we upgraded **40 clusters** in two days.")
    speaker.get_by_label("Level of the audience").select_option("Intermediate")
    speaker.get_by_role("button", name="Submit", exact=True).click()
    speaker.wait_for_url("**/kcd-pasadena/cfp/submissions/**")
    expect(speaker.locator(".state")).to_have_text("Submitted")
    submission = Submission.objects.get(title="Upgrading 40 clusters in a weekend")
    assert "Upgrading 40 clusters" in smtp.to("sam@example.net")[-1]["Subject"]

    # 2. A co-speaker is invited by mail and accepts with an account of their own.
    speaker.fill("input[name=email]", "cory@example.net")
    speaker.get_by_role("button", name="Invite").click()
    expect(speaker.locator(".messages")).to_contain_text("Invitation sent")
    invitation = smtp.link("cory@example.net", "/accounts/invitations/")
    cory = _page(browser)
    sign_up_and_verify(cory, base, smtp, "cory@example.net", next_path=_path(invitation))
    cory.goto(base + _path(invitation))
    cory.get_by_role("button", name="Accept the invitation").click()
    cory.wait_for_url("**/accounts/speaker-profile/**")
    cory.fill("input[name=name]", "Cory Cospeaker")
    cory.get_by_role("button", name="Save profile").click()
    cory.get_by_role("button", name="Accept the invitation").click()
    cory.wait_for_url(f"**/kcd-pasadena/cfp/submissions/{submission.uuid}/")
    expect(cory.locator("main")).to_contain_text("Cory Cospeaker")

    # 3. The organiser opens the review phase.
    organiser = _page(browser)
    log_in(organiser, base, "olga@example.net")
    organiser.goto(f"{base}/kcd-pasadena/cfp/manage/settings/")
    organiser.get_by_label("Review: reviewers score").check()
    organiser.get_by_role("button", name="Save").click()
    expect(organiser.locator(".messages")).to_contain_text("Call for papers saved")

    # 4. The reviewer scores without seeing who submitted.
    rita = _page(browser)
    log_in(rita, base, "rita@example.net")
    rita.goto(f"{base}/kcd-pasadena/cfp/review/")
    rita.get_by_role("link", name="Upgrading 40 clusters in a weekend").click()
    expect(rita.locator("h1")).to_have_text("Upgrading 40 clusters in a weekend")
    body = rita.locator("main").inner_text()
    for secret in ("Sam", "Speakwell", "Cory", "sam@example.net", "many"):
        assert secret not in body
    rita.get_by_label("Relevance (weight 2)").select_option("5")
    rita.get_by_label("Clarity (weight 1)").select_option("2")
    rita.get_by_role("button", name="Save review").click()
    rita.wait_for_url("**/kcd-pasadena/cfp/review/")
    assert submission.reviews.get().scores.get(category=relevance).value == 5

    # 5. Selection: the organiser accepts in the dashboard and sends from the outbox.
    organiser.goto(f"{base}/kcd-pasadena/cfp/manage/settings/")
    organiser.get_by_label("Selection: organisers see").check()
    organiser.get_by_role("button", name="Save").click()
    organiser.goto(f"{base}/kcd-pasadena/cfp/manage/")
    row = organiser.locator("tr", has_text="Upgrading 40 clusters in a weekend")
    expect(row).to_contain_text("80.0")  # (5/5·2 + 2/5·1) / 3
    row.get_by_role("checkbox").check()
    organiser.get_by_role("button", name="Accept").click()
    expect(organiser.locator(".messages")).to_contain_text("1 submission(s) accepted")
    organiser.get_by_role("link", name="Outbox").first.click()
    for box in organiser.locator("input[name=message]").all():
        box.check()
    organiser.get_by_role("button", name="Send the ticked messages").click()
    expect(organiser.locator(".messages")).to_contain_text("2 message(s) sent off")
    acceptance = smtp.to("sam@example.net")[-1]
    assert "is accepted at Kubernetes Community Day Pasadena" in acceptance["Subject"]

    # 6. The speaker confirms from the link in the mail.
    speaker.goto(base + _path(smtp.link("sam@example.net", "/kcd-pasadena/cfp/submissions/")))
    speaker.get_by_role("button", name="Confirm").click()
    expect(speaker.locator(".state")).to_have_text("Confirmed")

    # 7. The session waits in the work-in-progress schedule, with both speakers.
    submission.refresh_from_db()
    waiting = list(unscheduled_sessions(kcd.umbrella))
    assert submission.session in waiting
    assert [s.name for s in submission.session.ordered_speakers()] == [
        "Sam Speakwell",
        "Cory Cospeaker",
    ]
    assert [(c.from_state, c.to_state) for c in submission.state_changes.all()] == [
        ("", "draft"),
        ("draft", "submitted"),
        ("submitted", "accepted"),
        ("accepted", "confirmed"),
    ]


def _two_calls():
    """An umbrella with two co-located events, each with an open call (no demo: a
    transactional test would load it again after the flush)."""
    from factories import make_sub_event, make_umbrella
    from hallway.cfp.models import CallForPapers
    from hallway.events.models import SessionType, Track

    umbrella = make_umbrella("Handoff Fest", "handoff-fest")
    now = timezone.now()
    events = []
    for name, slug in (("Cluster Day", "cluster-day"), ("Pipeline Days", "pipeline-days")):
        event = make_sub_event(umbrella, name, slug)
        Track.objects.create(event=event, name=f"{name} track")
        CallForPapers.objects.create(
            event=event, opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(20)
        )
        events.append(event)
    SessionType.objects.create(event=umbrella, name="Talk", default_duration=30)
    return events


@pytest.mark.django_db(transaction=True)
def test_a_rejected_talk_handed_to_a_co_located_event(live_server, browser, smtp):
    """Cluster Day's organiser offers a talk it rejected to Pipeline Days; the speaker accepts
    from the mail; Pipeline Days' reviewer finds it in review with its text, and its
    organiser sees its history from Cluster Day."""
    from playwright.sync_api import expect

    from hallway.cfp.models import CallForPapers
    from hallway.cfp.services import decisions, submitting

    base = live_server.url
    cluster, pipeline = _two_calls()
    pipeline.cfp.phase = CallForPapers.REVIEW
    pipeline.cfp.save()
    ScoreCategory.objects.create(cfp=pipeline.cfp, name="Fit", weight=1, max_score=5)
    speaker = make_user("dana@example.net", name="Dana Deploys", password=PASSWORD)
    olga = give_role(make_user("olga@example.net", password=PASSWORD), cluster)
    give_role(make_user("pipe-org@example.net", password=PASSWORD), pipeline)
    give_role(
        make_user("rene@example.net", name="René", password=PASSWORD),
        pipeline,
        EventRole.REVIEWER,
    )
    submission = submitting.create_submission(
        cluster,
        speaker,
        {
            "title": "Pipelines that page nobody",
            "abstract": "Alerting on **deploys**, not on noise.",
            "description": "What we stopped paging for.",
            "session_type": cluster.umbrella.session_types.get(),
            "track": cluster.tracks.get(),
        },
        submit=True,
    )
    decisions.decide(submission, Submission.REJECTED, olga)

    # 1. Cluster Day's organiser offers it to Pipeline Days and sends the offer.
    organiser = _page(browser)
    log_in(organiser, base, "olga@example.net")
    organiser.goto(f"{base}/cluster-day/cfp/manage/submissions/{submission.uuid}/")
    organiser.select_option("select[name=to_event]", label="Pipeline Days")
    organiser.get_by_role("button", name="Offer").click()
    expect(organiser.locator(".messages")).to_contain_text("Offered to Pipeline Days")
    organiser.get_by_role("link", name="Outbox").first.click()
    offer_row = organiser.locator("tr", has_text="offered to Pipeline Days")
    offer_row.get_by_role("checkbox").check()
    organiser.get_by_role("button", name="Send the ticked messages").click()
    expect(organiser.locator(".messages")).to_contain_text("1 message(s) sent off")

    # 2. The speaker follows the mail's link and accepts the offer.
    assert "Pipeline Days" in smtp.body(smtp.to("dana@example.net")[-1])
    dana = _page(browser)
    log_in(dana, base, "dana@example.net")
    dana.goto(base + _path(smtp.link("dana@example.net", "/cluster-day/cfp/submissions/")))
    dana.get_by_role("button", name="Accept the offer").click()
    dana.wait_for_url(f"**/pipeline-days/cfp/submissions/{submission.uuid}/")
    expect(dana.locator(".messages")).to_contain_text("now in Pipeline Days's review")
    expect(dana.locator(".state")).to_have_text("Submitted")

    # 3. Pipeline Days' reviewer finds it in review, with its text.
    rene = _page(browser)
    log_in(rene, base, "rene@example.net")
    rene.goto(f"{base}/pipeline-days/cfp/review/")
    rene.get_by_role("link", name="Pipelines that page nobody").click()
    expect(rene.locator("main")).to_contain_text("Alerting on deploys, not on noise.")
    expect(rene.locator("main")).to_contain_text("What we stopped paging for.")
    expect(rene.locator("main")).to_contain_text("Dana Deploys")

    # 4. Pipeline Days' organiser sees where it came from; Cluster Day no longer has it.
    pipe_org = _page(browser)
    log_in(pipe_org, base, "pipe-org@example.net")
    pipe_org.goto(f"{base}/pipeline-days/cfp/manage/submissions/{submission.uuid}/")
    history = pipe_org.locator("main ul").last
    expect(history).to_contain_text("submitted → rejected")
    expect(history).to_contain_text("Offered to Pipeline Days")
    expect(history).to_contain_text("Moved from Cluster Day to Pipeline Days")
    gone = organiser.goto(f"{base}/cluster-day/cfp/manage/submissions/{submission.uuid}/")
    assert gone.status == 404
    assert Submission.objects.get(pk=submission.pk).event == pipeline
