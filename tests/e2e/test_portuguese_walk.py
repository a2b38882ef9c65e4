"""The learner's walk in Portuguese, in a real browser, at desktop width and on a phone (390x844).

Every page of the app (``APP_PATHS``: Home and :data:`ui.frame.PAGES`) is opened with ``?lang=pt``;
where the issue found English, the walk does what the learner did: Build opens a design without its
Flatten so the problems show, Classify gets a photo (analysed at once) and the camera switched on,
the Inputs quiz gets a typed answer, and Instructor's date input opens its calendar. At each stop
the test reads what a learner can see or hear:

- every visible text (main area, sidebar, header, pop-ups), except material icons (their text is
  the icon's name, drawn as a picture) and code (Python and the line it prints stay as written);
- the ``title``, ``aria-label``, ``placeholder``, ``alt``, ``aria-valuetext`` and Plotly's
  ``data-title`` of every element, and the value shown in each text box;

and fails, naming the page, the viewport and the text, on any English: the texts issue 14 listed
(Plotly's mode bar and "Download plot as a png", tables' "Download as CSV", "... per file",
"Take Photo"), a decimal point where Portuguese writes a comma (a slider's "1.50"), or a common
English word (:data:`ENGLISH_WORDS`). What Streamlit itself writes in English and a script cannot
change is allowed only as listed, one by one, in :data:`STREAMLIT_OWN`, the same list as the
README's "What remains in English (Streamlit's own texts)". On the phone every page also fits the
screen's width, Classify's analysis included.
"""

from __future__ import annotations

import re

import pytest

from cnn_core import design as designs
from cnn_core import locales
from tests.e2e.conftest import APP_PATHS, wait_for_app
from tests.e2e.test_learner_e2e import _png
from tests.e2e.test_phone import WIDTH, page_width, phone  # noqa: F401 -- phone is a fixture

pytestmark = pytest.mark.e2e

DESKTOP = {"width": 1400, "height": 1000}

# Streamlit 1.67's own English, which no argument or setting translates: (where it shows, the text
# as a regular expression, what it is). Each match is cut out of the text before the English check
# (so "Help for <our label>" still checks our label). The README's "What remains in English
# (Streamlit's own texts)" names the same; a new entry goes in both places.
STREAMLIT_OWN: list[tuple[str, str, str]] = [
    # file uploaders (Inputs' "Sua foto", Build's design, Classify)
    ("text", r"^Upload$", "file uploader: its button"),
    ("text", r"^\d+MB per file$", "file uploader: the size limit (the file types follow)"),
    ("aria-label", r"^file upload$", "file uploader: its drop zone"),
    ("aria-label", r"^Add files$", "file uploader: its + button, once a photo is in"),
    ("aria-label", r", \d+(\.\d)?(B|KB|MB|GB)$", "file uploader: a sent file's name, size"),
    ("text", r"^\d+(\.\d)?(B|KB|MB|GB)$", 'file uploader: a sent file\'s size ("323.0B")'),
    # the camera (Classify, behind our "Usar a câmera" switch)
    ("text", r"^Take Photo$", "camera: its button"),
    ("text", r"^This app would like to use your camera\.$", "camera: the permission text"),
    ("text", r"^Learn how to allow access\.$", "camera: the permission text's link"),
    # element tool bars (images, charts, tables) and interactive tables' tool bar
    ("aria-label", r"^Fullscreen(: |$)", "tool bar: full screen (an image's alt text follows)"),
    ("aria-label", r"^Search$", "interactive table: search"),
    ("aria-label", r"^Show/hide columns$", "interactive table: columns"),
    # widgets' built-in labels, read by screen readers
    ("aria-label", r"^Open$", "select box: the button that opens the list"),
    ("aria-label", r"^(Increment|Decrement)$", "number input: its + and - buttons"),
    ("aria-label", r"^Help for ", "the (?) beside a widget's label (our label follows)"),
    ("aria-label", r"^Copy to clipboard$", "code block: the copy button"),
    ("aria-label", r"^Link to heading$", "heading: its anchor link"),
    ("aria-label", r"^(Selected values|Clear all)$", "multiselect (Instructor)"),
    ("aria-label", r"^Remove ", "multiselect (Instructor): a chosen page's x (its name follows)"),
    ("aria-label", r"^(day|month|year), ", "date input (Instructor): its parts, our label"),
    ("aria-label", r"^Choose date(, |$)", "date input (Instructor): its calendar (month follows)"),
    ("text", r"^Choose date(, |$)", "date input (Instructor): its calendar's title"),
    ("aria-label", r"^(Previous|Next) month$", "date input (Instructor): its calendar's arrows"),
    (
        "text",
        r"^Use arrow keys to navigate dates\. Enter to select\. Escape to close\.$",
        "date input (Instructor): its calendar's keyboard hint",
    ),
    # the app's frame: sidebar, run indicator, app menu
    ("aria-label", r"^(Sidebar|Collapse sidebar|Expand sidebar)$", "the sidebar and its button"),
    ("aria-label", r"^Running\.\.\.$", "the run indicator"),
    ("text", r"^(Running\.\.\.|Stop)$", "the run indicator"),
    ("aria-label", r"^Main menu$", "the app menu"),
    ("text", r"^Skip to main content$", "the skip link (shown when tabbing in)"),
    # text boxes while typed into (before Enter): Inputs' quiz, Convolution's bias
    ("text", r"^Press Enter to apply$", "text input: its typing hint"),
]

# Streamlit's own English that the walk must meet (the uploaders, the camera, a typed answer).
MET_ON_THE_WALK = [
    r"^Upload$",
    r"^\d+MB per file$",
    r"^Take Photo$",
    r"^This app would like to use your camera\.$",
    r"^Press Enter to apply$",
    r"^(Previous|Next) month$",
]

# Issue 14's English texts, found anywhere (case-insensitive).
ENGLISH_PHRASES = [
    "download plot as a png",
    "download as csv",
    "per file",
    "take photo",
    "choose an option",
    "press enter",
    "drag and drop",
    "no results",
    "double-click",
]
# Common English words of a user interface, as whole words (none is Portuguese).
ENGLISH_WORDS = re.compile(
    r"\b(?:upload|download|search|loading|running|error|warning|show|hide|settings|clear|close"
    r"|submit|cancel|open|choose|select|browse|delete|remove|copy|fullscreen|photos?|take|files?"
    r"|help|please|click|press|apply|sidebar|collapse|expand|increment|decrement|heading|day"
    r"|month|year|options?|columns?|rows?|images?|zoom|autoscale|reset|retry|rerun|save|edit"
    r"|icon|the|and|with|your|you|this|of|to|is|are|or|from|here|not|yes)\b",
    re.IGNORECASE,
)
# A decimal point: "1.50", "0.717" (Portuguese groups thousands with a point, three digits at a
# time: "229.834" is a number of weights, not a decimal).
DECIMAL_POINT = re.compile(r"(?<![\w.,:/])(?:\d+\.\d{1,2}|\d+\.\d{4,}|0\.\d+)(?![\d.,])")
URL = re.compile(r"\S+://\S+")

# What a learner sees or hears on the page: [kind, text] pairs (see the module's docstring).
READ_PAGE = """() => {
    // Icons (their text is the icon's name, drawn as a picture and hidden from screen readers),
    // code, and what is inside a button named by its aria-label (read below, as the name).
    const SKIP = '[data-testid="stIconMaterial"], [data-testid="stAlertDynamicIcon"], '
        + '[data-testid="stCode"], code, pre, script, style, noscript, template, '
        + 'button[aria-label]';
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.nodeValue.trim();
        const parent = node.parentElement;
        if (!text || !parent || parent.closest(SKIP)) continue;
        if (!parent.checkVisibility({visibilityProperty: true})) continue;
        found.push(['text', text]);
    }
    const ATTRIBUTES = ['title', 'aria-label', 'placeholder', 'alt', 'aria-valuetext',
                        'data-title', 'aria-description'];
    for (const el of document.body.querySelectorAll('*')) {
        for (const name of ATTRIBUTES) {
            const value = el.getAttribute(name);
            if (value && value.trim()) found.push([name, value.trim()]);
        }
        if (el.matches('input:not([type=file]):not([type=hidden]), textarea') && el.value) {
            found.push(['value', el.value]);
        }
    }
    return found;
}"""
# Plotly's mode bar (English only): none of its buttons may exist.
MODE_BAR = "() => document.querySelectorAll('.modebar-btn, .modebar-group').length"


def _allowed_cut(kind: str, text: str, seen: set[str] | None = None) -> str:
    """The text without the parts :data:`STREAMLIT_OWN` allows for this kind of text.

    Args:
        kind: ``"text"``, ``"value"`` or the attribute's name.
        text: the text as the page has it.
        seen: where to note the patterns that matched.
    """
    for where, pattern, _what in STREAMLIT_OWN:
        if where == kind:
            text, cuts = re.subn(pattern, "", text)
            if cuts and seen is not None:
                seen.add(pattern)
    return text


def english_in(kind: str, text: str, seen: set[str] | None = None) -> list[str]:
    """What is English in one text a page shows (empty when nothing is).

    Args:
        kind: ``"text"``, ``"value"`` or the attribute's name.
        text: the text as the page has it.
        seen: where to note the :data:`STREAMLIT_OWN` patterns that matched.

    Returns:
        The English pieces found: phrases and words, and decimals written with a point.
    """
    rest = _allowed_cut(kind, text, seen)
    lowered = rest.lower()
    found = [phrase for phrase in ENGLISH_PHRASES if phrase in lowered]
    found += [match.group(0) for match in ENGLISH_WORDS.finditer(rest)]
    found += [match.group(0) for match in DECIMAL_POINT.finditer(URL.sub(" ", rest))]
    return found


def english_on_page(tab, seen: set[str]) -> list[str]:
    """Every English text on the page now, one line each (kind, the text, what is English)."""
    problems = []
    for kind, text in tab.evaluate(READ_PAGE):
        found = english_in(kind, text, seen)
        if found:
            problems.append(f"{kind} {text[:160]!r}: {', '.join(dict.fromkeys(found))}")
    modebar = tab.evaluate(MODE_BAR)
    if modebar:
        problems.append(f"Plotly's mode bar: {modebar} buttons or groups")
    return list(dict.fromkeys(problems))


def _wait_for_charts(tab) -> None:
    """Waits until Plotly has drawn the page's first chart (a mode bar would be there by then)."""
    charts = tab.locator('[data-testid="stPlotlyChart"]')
    if charts.count():
        charts.first.locator(".main-svg").first.wait_for()


def _open(tab, app_url: str, path: str, query: str = "") -> None:
    tab.goto(f"{app_url}/{path}?lang=pt{query}")
    wait_for_app(tab, timeout=240_000)  # Evaluate scores the shipped model on its first opening
    _wait_for_charts(tab)


def _visit(tab, app_url: str, path: str, seen: set[str]) -> list[tuple[str, list[str]]]:
    """Opens one page, does there what the learner did, and reads it at each stop.

    Returns:
        ``[(where, english_on_page)]``, one entry per stop on the page.
    """
    main = tab.locator('[data-testid="stMain"]')
    stops = []
    if path == "build":
        # A design without its Flatten: the problems show on the card, the table and the summary.
        design = designs.default_design("blog")
        del design["spec"]["layers"][12]
        _open(tab, app_url, path, f"&design={designs.encode(design)}")
        main.locator('[data-testid="stAlertContentError"]').first.wait_for()
        stops.append(("build, a layer missing", english_on_page(tab, seen)))
        return stops
    _open(tab, app_url, path)
    stops.append((path or "home", english_on_page(tab, seen)))
    if path == "inputs":
        # A quiz answer typed, before Enter ("Press Enter to apply" is Streamlit's own).
        box = main.locator(".st-key-inputs_quiz_scale input")
        box.fill("0,80")
        stops.append(("inputs, typing in the quiz", english_on_page(tab, seen)))
        box.press("Enter")
        wait_for_app(tab)
        stops.append(("inputs, the quiz answered", english_on_page(tab, seen)))
    elif path == "classify":
        dropzone = main.locator('[data-testid="stFileUploaderDropzoneInput"]')
        dropzone.set_input_files([{"name": "gato.png", "mimeType": "image/png", "buffer": _png(1)}])
        main.locator('[data-testid="stPlotlyChart"] .main-svg').first.wait_for(timeout=120_000)
        wait_for_app(tab, timeout=120_000)
        stops.append(("classify, a photo analysed", english_on_page(tab, seen)))
        main.get_by_text(locales.t("classify.camera_toggle", "pt")).click()
        main.locator('[data-testid="stCameraInput"]').wait_for()
        wait_for_app(tab)
        stops.append(("classify, the camera on", english_on_page(tab, seen)))
    elif path == "instructor":
        calendar = tab.get_by_role("button", name="Choose date")  # Streamlit's own name
        calendar.click()
        tab.get_by_role("dialog").wait_for()
        stops.append(("instructor, the calendar open", english_on_page(tab, seen)))
        tab.keyboard.press("Escape")
    return stops


def _walk(tab, app_url: str, viewport: str, width: int | None = None) -> None:
    report = []
    seen: set[str] = set()
    for path in APP_PATHS:
        for where, problems in _visit(tab, app_url, path, seen):
            report += [f"[{viewport}] /{path}?lang=pt ({where}): {line}" for line in problems]
            if width is not None and page_width(tab) > width:
                report.append(f"[{viewport}] /{path}?lang=pt ({where}): wider than the screen")
    assert not report, "English in the Portuguese walk:\n" + "\n".join(report)
    # The walk did reach the places where issue 14 saw English (else it would check nothing there).
    assert set(MET_ON_THE_WALK) <= seen, set(MET_ON_THE_WALK) - seen


@pytest.fixture
def desktop(browser):
    context = browser.new_context(viewport=DESKTOP, locale="pt-BR")
    tab = context.new_page()
    tab.set_default_timeout(60_000)
    yield tab
    context.close()


def test_portuguese_walk_at_desktop_width(desktop, app_url):
    _walk(desktop, app_url, "desktop")


def test_portuguese_walk_on_a_phone(phone, app_url):  # noqa: F811 -- the fixture imported above
    _walk(phone, app_url, "phone 390x844", width=WIDTH)


def test_the_english_check_can_fail():
    """The check finds what the issue saw, and lets through Portuguese and Streamlit's own."""
    assert english_in("data-title", "Download plot as a png")
    assert english_in("aria-label", "Download as CSV")
    assert english_in("text", "10MB per file • JPG, PNG")  # not as Streamlit writes it
    assert english_in("aria-valuetext", "1.50")
    assert english_in("text", "Temperatura 0.5")
    assert english_in("text", "Show the filters")
    assert english_in("aria-label", "Help for Show the filters")  # our part is still checked
    assert not english_in("text", "10MB per file")
    assert not english_in("text", "Upload")
    assert not english_in("aria-label", "Help for Valor de entrada x")
    assert not english_in("aria-label", "Fullscreen: Foto de teste da classe gato")
    assert not english_in("text", "229.834 pesos, 1,50 e 0,717; 4.14.1")
    assert not english_in("text", "http://127.0.0.1:8501/build?lang=pt")
    # An icon-only button's name ("delete icon") is English; Streamlit's file size is allowed.
    assert english_in("text", "delete icon")
    assert english_in("aria-label", "menu_book icon")
    assert english_in("aria-label", "323.0B")
    assert not english_in("text", "323.0B")
    assert not english_in("aria-label", "gato.png, 323.0B")
    # What the walk must meet is on the allow-list.
    assert set(MET_ON_THE_WALK) <= {pattern for _kind, pattern, _what in STREAMLIT_OWN}
