"""A pathway level's certificate of completion in its SCORM package, played in Chromium with
scorm-again as the LMS (both versions): it appears only once the level's requirements are met (every
unit, the level's grade, the rubric it requires), with the learner's name from the LMS ("Last, First"
as Moodle sends it), the course, level, PD hours, date and an id; until then the result page says what
is still missing. Printable (the print stylesheet prints the certificate alone), downloadable,
axe-clean, and in Spanish for a Spanish course."""

import json
import shutil
import tarfile

import pytest
from scorm_helpers import DATA, lms_folder, stop
from support.browser import axe_violations

from builder import pipeline
from builder.build import BuildOptions
from builder.pathways import CERTIFICATE_NAME, CERTIFICATE_STATEMENT, PROGRAM
from builder.player.package import CERTIFICATE_SCRIPT
from builder.targets import TARGETS

# The sample course as the one course of a one-level pathway: 60 % and its self-assessment's pass rule,
# certificates signed by one signatory whose title takes two lines.
PATHWAY = """<pathways>
  <certificate>
    <signatory name="Ana Ruiz" title="Director\\nFamily Partnerships" organization="North Valley SELPA">
      <translation lang="es" title="Directora\\nColaboración con las familias"/>
    </signatory>
  </certificate>
  <level id="participant" title="Participant" pd_hours="1.5">
    <translation lang="es" title="Participante"/>
    <course ref="sample" min_grade="0.6"/>
    <rubric course="sample" block="r_self"/>
  </level>
</pathways>"""

ENTRIES = [
    "The family was asked first what they had noticed at home this term.",
    "I will send the agenda a week ahead and ask what they would add.",
]
# (role-play choices, rubric ratings): the grade is 92 % either way round; 4 of 6 misses the pass rule (5).
LEARNERS = {
    "earns": (["listen", "meet"], ["proficient", "exemplary"]),
    "short": (["listen", "meet"], ["proficient", "proficient"]),
}


def build_level_package(tmp_path, version, lang="en"):
    root = tmp_path / "courses"
    shutil.copytree(DATA / "sample_course", root / "sample")
    (root / "pathways.xml").write_text(PATHWAY, encoding="utf-8")
    source = root / "sample" / "course" / "2026.xml"
    text = source.read_text(encoding="utf-8").replace('language="en"', f'language="{lang}"', 1)
    text = text.replace(
        "<prompt>Rate your last family meeting.</prompt>",
        '<prompt>Rate your last family meeting.</prompt><pass min_total="5"/>',
    )
    source.write_text(text, encoding="utf-8")
    policy = root / "sample" / "policies" / "2026" / "policy.json"
    policy.write_text(policy.read_text(encoding="utf-8").replace('"en"', f'"{lang}"', 1), encoding="utf-8")
    report = pipeline.validate(pipeline.select([], root))
    assert report.problems == [], report.problems
    out = tmp_path / f"build-{version}"
    out.mkdir()
    built = pipeline.build(report, [TARGETS[version]], out, BuildOptions())
    assert built.problems == []
    (artifact,) = built.artifacts
    assert artifact.path.name == f"sample-participant-{version}.zip"
    return artifact.path


def launch_as(page, url, version, persisted=None):
    if persisted is not None:
        page.add_init_script(f"window.P2P_PERSISTED = {json.dumps(persisted)};")
    page.goto(f"{url}/lms.html?version={version}")
    page.frame_locator("#sco").locator("body[data-p2p-ready]").wait_for()
    return page.frames[1]


def learner(version, name, learner_id):
    return (
        {"core": {"student_name": name, "student_id": learner_id}}
        if version == "scorm12"
        else {
            "learner_name": name,
            "learner_id": learner_id,
        }
    )


def go_to(sco, title):
    sco.locator(".p2p-toc a", has_text=title).click()
    sco.locator(".p2p-unit:not([hidden]) .p2p-unit-title", has_text=title).wait_for()


def certificate_area(sco):
    sco.locator("#p2p-result-link").click()
    sco.locator("#p2p-result:not([hidden]) .p2p-certificate-area").wait_for()
    return sco.locator(".p2p-certificate-area")


def facts(sco) -> list[str]:
    """The certificate's date and id, as shown."""
    return sco.evaluate("[...document.querySelectorAll('.p2p-cert-facts dd')].map(d => d.textContent)")


def play(sco, choices, ratings, kept="Version 1"):
    go_to(sco, "A call from Ms. Ruiz")
    for choice in choices:
        sco.locator(f"[data-choice='{choice}']").click()
    sco.locator(".p2p-rp-debrief").wait_for()
    go_to(sco, "Pause and reflect")
    for n, entry in enumerate(ENTRIES):
        sco.locator(".p2p-journal__text").nth(n).fill(entry)
        sco.locator(".p2p-journal__submit").nth(n).click()
        sco.locator(".p2p-journal__prompt").nth(n).locator(".p2p-journal__status", has_text=kept).wait_for()
    go_to(sco, "Rate your own practice")
    for criterion, level in zip(["agenda", "listening"], ratings):
        sco.locator(f".p2p-rubric [data-criterion='{criterion}'] input[value='{level}']").check()
    sco.locator(".p2p-rubric__submit").click()
    sco.locator(".p2p-rubric__results").wait_for()


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
@pytest.mark.parametrize("who", sorted(LEARNERS))
def test_the_certificate_appears_only_when_the_level_is_met(page, tmp_path, static_server, version, who):
    choices, ratings = LEARNERS[who]
    url = static_server(lms_folder(build_level_package(tmp_path, version), tmp_path / "lms")).url
    sco = launch_as(page, url, version, learner(version, "García, Ana", "learner-17"))

    # Nothing done yet: no certificate, and the list of what the level still needs.
    area = certificate_area(sco)
    text = area.inner_text()
    assert "Your certificate of completion for the Participant level appears here" in text
    assert "Still to do: Finish every unit of the course." in text
    assert "Still to do: Reach a course grade of at least 60% (yours: 0%)." in text
    assert "Still to do: Meet the standard of “Rate your own practice”." in text
    assert sco.locator(".p2p-certificate").count() == 0
    assert axe_violations(sco) == []

    play(sco, choices, ratings)
    area = certificate_area(sco)
    text = area.inner_text()
    if who == "short":
        assert sco.locator(".p2p-certificate").count() == 0
        assert "Done: Reach a course grade of at least 60% (yours: 83%)." in text
        assert "Still to do: Meet the standard of “Rate your own practice”." in text
        assert axe_violations(sco) == []
        stop(page)
        return

    card = sco.locator(".p2p-certificate")
    card.wait_for()
    words = card.inner_text()
    assert "Certificate of completion" in words
    assert "Ana García" in words  # "Last, First" from the LMS, shown as a name is written
    assert (
        "has completed Partnering with families: a sample at the Participant level of the P2P trainer-of-trainers"
        " pathway, for 1.5 professional-development hours." in words
    )
    # Who signs, as pathways.xml says (the same signatory as the Open edX certificate's).
    assert sco.locator(".p2p-cert-signed").inner_text() == "Signed by"
    assert card.locator(".p2p-cert-signatories li").inner_text().splitlines() == [
        "Ana Ruiz",
        "Director",
        "Family Partnerships",
        "North Valley SELPA",
    ]
    earned_on, certificate_id = facts(sco)
    assert certificate_id.startswith("P2P-") and len(certificate_id) == 18
    assert earned_on and earned_on != "—"
    assert "Still to do" not in area.inner_text()
    assert axe_violations(sco) == []

    # Printing the result page prints the certificate alone.
    sco.page.emulate_media(media="print")
    assert sco.evaluate("getComputedStyle(document.querySelector('.p2p-header')).visibility") == "hidden"
    assert sco.evaluate("getComputedStyle(document.querySelector('.p2p-cert-learner')).visibility") == "visible"
    assert sco.evaluate("getComputedStyle(document.querySelector('.p2p-cert-sig-name')).visibility") == "visible"
    assert sco.evaluate("getComputedStyle(document.querySelector('.p2p-cert-actions')).visibility") == "hidden"
    sco.page.emulate_media(media="screen")

    # Downloaded: a standalone page holding the same certificate.
    with sco.page.expect_download() as download:
        sco.locator("button", has_text="Download certificate").click()
    assert download.value.suggested_filename == f"certificate-p2p-sample-participant-{version}.html"
    saved = download.value.path().read_text(encoding="utf-8")
    assert "Ana García" in saved and certificate_id in saved and "@media print" in saved
    assert "North Valley SELPA" in saved and "p2p-cert-signatories" in saved

    # The next sitting: the same certificate, same date and id, from the state the LMS kept.
    cmi = stop(page)
    page2 = page.context.new_page()
    sco = launch_as(page2, url, version, cmi)
    certificate_area(sco)
    sco.locator(".p2p-certificate").wait_for()
    assert facts(sco) == [earned_on, certificate_id]
    # The day it was earned came back in suspend_data (it is not recomputed on each sitting).
    assert sco.evaluate("text => P2PStateCodec.decode(text).k", cmi["suspend_data"]) == sco.evaluate(
        "() => { const d = new Date(); return [d.getFullYear(), d.getMonth() + 1, d.getDate()]"
        ".map((n, i) => i ? String(n).padStart(2, '0') : String(n)).join('-'); }"
    )


def test_the_certificate_in_spanish_and_without_an_lms_name(page, tmp_path, static_server):
    url = static_server(lms_folder(build_level_package(tmp_path, "scorm2004", "es"), tmp_path / "lms")).url
    sco = launch_as(page, url, "scorm2004")
    text = certificate_area(sco).inner_text()
    assert text.startswith("Su certificado")
    assert "Su certificado de finalización del nivel Participante aparecerá aquí" in text
    assert "Pendiente: Termine todas las unidades del curso." in text
    play(sco, *LEARNERS["earns"], kept="versión 1")
    certificate_area(sco)
    card = sco.locator(".p2p-certificate")
    assert "Certificado de finalización" in card.inner_text()
    # The level's and the signatory's titles as pathways.xml translates them; the names as they are.
    assert (
        "ha completado Partnering with families: a sample en el nivel Participante del itinerario de formación"
        " de formadores P2P, con 1,5 horas de desarrollo profesional." in card.inner_text()
    )
    assert card.locator(".p2p-cert-signed").inner_text() == "Firmado por"
    assert card.locator(".p2p-cert-signatories li").inner_text().splitlines() == [
        "Ana Ruiz",
        "Directora",
        "Colaboración con las familias",
        "North Valley SELPA",
    ]
    # No name from the LMS: the learner types it, and the certificate shows it.
    sco.locator("#p2p-cert-name").fill("Ana García")
    assert card.locator(".p2p-cert-learner").inner_text() == "Ana García"
    assert axe_violations(sco) == []


def test_the_open_edx_certificate_of_a_spanish_course_is_in_spanish(tmp_path):
    """The export's certificate configuration states what the SCORM certificate does, in the course's
    language: the player's Spanish wording, the level's and the signatory's translated titles."""
    build_level_package(tmp_path, "scorm12", "es")
    report = pipeline.validate(pipeline.select([], tmp_path / "courses"))
    (tmp_path / "olx").mkdir()
    built = pipeline.build(report, [TARGETS["olx"]], tmp_path / "olx", BuildOptions())
    assert built.problems == []
    (artifact,) = built.artifacts
    with tarfile.open(artifact.path) as archive:
        policy = json.loads(archive.extractfile("course/policies/2026/policy.json").read())
    (certificate,) = policy["course/2026"]["certificates"]["certificates"]
    assert certificate["name"] == "Certificado de finalización"
    assert certificate["description"] == (
        "Esta persona ha completado Partnering with families: a sample en el nivel Participante del itinerario de"
        " formación de formadores P2P, con 1,5 horas de desarrollo profesional."
    )
    (signatory,) = certificate["signatories"]
    assert (signatory["name"], signatory["title"], signatory["organization"]) == (
        "Ana Ruiz",
        "Directora\nColaboración con las familias",
        "North Valley SELPA",
    )


def test_the_open_edx_certificate_has_the_players_wording():
    script = CERTIFICATE_SCRIPT.read_text(encoding="utf-8")
    for text in (CERTIFICATE_STATEMENT, PROGRAM, CERTIFICATE_NAME):
        assert f't("{text}")' in script
