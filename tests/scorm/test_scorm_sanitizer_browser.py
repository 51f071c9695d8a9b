"""Hostile author HTML built into a SCORM package and played in Chromium with scorm-again: nothing
in it runs, nothing takes over the page that holds the LMS API (issue: author HTML sanitized).

Every payload that could run calls alert('<name>'); a dialog from any frame is recorded. Payloads
that cannot (a data: iframe is cross-origin, so Chromium would block its alert) are checked in the
page itself: the element is gone."""

import shutil

import pytest
from scorm_helpers import DATA, build, launch, lms_folder, stop, with_html_component

# (name, html): the findings of issue 16, item 3, and the encodings of javascript: a browser reads.
PAYLOADS = [
    ("svg-onload", "<svg/onload=alert('svg-onload')></svg>"),
    ("svg-script", "<svg><script>alert('svg-script')</script></svg>"),
    ("iframe-srcdoc", "<iframe srcdoc=\"&lt;script&gt;parent.alert('iframe-srcdoc')&lt;/script&gt;\"></iframe>"),
    ("no-space", '<img src="missing.png"onerror="alert(\'no-space\')" alt="">'),
    ("slash-separated", "<img/src=x\tonerror=alert('slash-separated')>"),
    ("data-iframe", "<iframe src=\"data:text/html,&lt;script&gt;alert('data-iframe')&lt;/script&gt;\"></iframe>"),
    ("entity-javascript", "<a href=\"&#106;avascript:alert('entity-javascript')\">entity</a>"),
    ("hex-entity-javascript", "<a href=\"&#x6A;&#x61;vascript&colon;alert('hex-entity-javascript')\">hex</a>"),
    ("tab-javascript", "<a href=\"java&#9;script:alert('tab-javascript')\">tab</a>"),
    ("newline-javascript", "<a href=\"jav&#x0A;ascript:alert('newline-javascript')\">newline</a>"),
    ("case-javascript", "<a href=\" JaVaScRiPt:alert('case-javascript')\">case</a>"),
    ("base-href", '<base href="http://127.0.0.1:9/elsewhere/">'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url=about:blank#meta-refresh">'),
    ("script", "<script>alert('script')</script>"),
    ("comment-end", "<!-- --!><img src=x onerror=alert('comment-end')> -->"),
    ("processing-instruction", "<?x ><img src=x onerror=alert('processing-instruction')>?>"),
    ("object", "<object data=\"data:text/html,&lt;script&gt;alert('object')&lt;/script&gt;\"></object>"),
    ("form-action", "<form action=\"javascript:alert('form-action')\"><button>send</button></form>"),
    ("player-api-name", '<div id="API_1484_11">an element named as the LMS API</div>'),
]

HOSTILE_SAMPLE_RUBRIC = DATA.parents[1] / "fixtures" / "hostile_sample_rubric.xml"


def hostile_course(tmp_path):
    folder = tmp_path / "course"
    shutil.copytree(DATA / "html_course", folder)
    body = "\n".join(f"<p>{name}: {html}</p>" for name, html in PAYLOADS)
    with_html_component(folder, "h_payloads", f"<p>Hostile html.</p>\n{body}\n", before="h_one")
    # A unit with the rubric whose sample hides payloads in a nested comment and processing instructions.
    source = folder / "course" / "2026.xml"
    rubric = HOSTILE_SAMPLE_RUBRIC.read_text().split("-->\n", 1)[1]
    unit = f'<vertical url_name="u_rubric" display_name="Rate a sample">{rubric}</vertical>\n      '
    source.write_text(source.read_text().replace('<vertical url_name="u_two"', unit + '<vertical url_name="u_two"'))
    policy = folder / "policies" / "2026" / "policy.json"
    policy.write_text(
        policy.read_text().replace('"course_image"', '"advanced_modules": ["facilitation_rubric"],\n    "course_image"')
    )
    return folder


@pytest.mark.parametrize("version", ["scorm12", "scorm2004"])
def test_hostile_author_html_does_not_run_in_a_package(page, tmp_path, static_server, version):
    package = build(hostile_course(tmp_path), version, tmp_path / "build")
    url = static_server(lms_folder(package, tmp_path / "lms")).url
    ran: list[str] = []

    def dismiss(dialog):
        ran.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", dismiss)
    sco = launch(page, url, version)
    author = sco.locator(".p2p-html").first
    # Every payload's paragraph is there (the page was not cut short), with no element that could run.
    shown = author.inner_text()
    assert all(f"{name}:" in shown for name, _html in PAYLOADS), shown
    found = sco.evaluate(
        """() => {
          const html = [...document.querySelectorAll('.p2p-html')];
          const all = html.flatMap((node) => [...node.querySelectorAll('*')]);
          return {
            tags: all.map((el) => el.localName).filter((tag) =>
              ['script', 'svg', 'iframe', 'object', 'embed', 'base', 'meta', 'form', 'math'].includes(tag)),
            handlers: all.flatMap((el) => [...el.attributes].map((a) => a.name)).filter((n) => n.startsWith('on')),
            urls: all.flatMap((el) => ['href', 'src', 'action'].map((n) => el.getAttribute(n)))
              .filter((v) => v && !/^(https?:|mailto:|static\\/|#)/.test(v.trim()) && /:/.test(v)),
            ids: all.map((el) => el.id).filter((id) => /^(API|p2p)/i.test(id)),
            base: document.baseURI === location.href,
            bases: document.querySelectorAll('base').length,
            api: String(window.API_1484_11 === undefined || !(window.API_1484_11 instanceof Element)),
          };
        }"""
    )
    assert found == {"tags": [], "handlers": [], "urls": [], "ids": [], "base": True, "bases": 0, "api": "true"}
    # Links that were javascript: in any spelling are clicked: nothing runs.
    for text in ("entity", "hex", "tab", "newline", "case"):
        author.get_by_text(text, exact=True).click()
    # The rubric's sample: on to its unit, its text there, its hidden payloads not.
    sco.locator("#p2p-next").click()
    sample = sco.locator(".p2p-rubric__sample-body")
    sample.wait_for()
    assert "drafted with the parent." in sample.inner_text() and "for questions." in sample.inner_text()
    assert sample.locator("img, svg").count() == 0
    page.wait_for_timeout(300)  # a meta refresh of 0 s or an image's onerror would have fired by now
    assert sco.url.endswith("index.html") and "#meta-refresh" not in sco.url
    assert ran == []
    stop(page)
