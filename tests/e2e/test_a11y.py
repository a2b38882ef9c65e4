"""Accessibility in a real browser: axe-core (WCAG 2.1 A and AA) on every page, in both languages.

axe-core is vendored, unmodified, in ``tests/e2e/vendor/axe-core/`` (MPL-2.0). A test fails on any
critical or serious violation that comes from our own content. What Streamlit itself causes (and
we cannot change from a script) is named one by one in :data:`STREAMLIT_OWN`, each with its reason;
the README lists the same under "Accessibility: what remains".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cnn_core.data import class_names
from cnn_core.locales import t
from tests.e2e.conftest import APP_PATHS, wait_for_app

pytestmark = pytest.mark.e2e

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
AXE_VERSION = "4.14.1"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")

# Violations that come from Streamlit's own widgets, not from our content: rule id -> [(a piece of
# the offending element's CSS path or HTML, why it is Streamlit's)]. Keep each entry narrow. With
# the theme in .streamlit/config.toml, Streamlit 1.67 causes none on our pages (camera included),
# so the list is empty; a new entry must also go into the README's "Accessibility: what remains".
STREAMLIT_OWN: dict[str, list[tuple[str, str]]] = {}


def open_page(page, app_url: str, url_path: str, lang: str) -> None:
    """Opens a page and waits for its script run, with room for Evaluate's first scoring."""
    page.goto(f"{app_url}/{url_path}?lang={lang}")
    wait_for_app(page, timeout=240_000)


def _streamlit_own(rule: str, node: dict) -> bool:
    where = " ".join(node["target"]) + " " + node["html"]
    return any(piece in where for piece, _why in STREAMLIT_OWN.get(rule, []))


def run_axe(page) -> list[dict]:
    """Runs axe-core on the whole document; returns our critical/serious violations.

    Returns:
        ``[{"rule", "impact", "target", "html", "summary"}]`` for each offending element that is
        not on the :data:`STREAMLIT_OWN` list.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    assert page.evaluate("() => axe.version") == AXE_VERSION
    violations = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact,
                nodes: v.nodes.map(n => ({
                    target: n.target.map(String), html: n.html, summary: n.failureSummary,
                    impact: n.impact,
                })),
            }));
        }""",
        TAGS,
    )
    ours = []
    for violation in violations:
        for node in violation["nodes"]:
            impact = node.get("impact") or violation["impact"]
            if impact in BLOCKING and not _streamlit_own(violation["id"], node):
                ours.append(
                    {
                        "rule": violation["id"],
                        "impact": impact,
                        "target": " ".join(node["target"])[-160:],
                        "html": node["html"][:200],
                        "summary": (node["summary"] or "")[:300],
                    }
                )
    return ours


def _report(found: list[dict]) -> str:
    return "\n".join(
        f"{v['impact']} {v['rule']}: {v['html']}\n    at {v['target']}\n    {v['summary']}"
        for v in found
    )


def main_images(page) -> list[str | None]:
    """The ``alt`` of every picture in the page's main area (None where it has none)."""
    return page.locator('[data-testid="stMain"] img').evaluate_all(
        "imgs => imgs.map(img => img.getAttribute('alt'))"
    )


@pytest.mark.parametrize("lang", ["pt", "en"])
@pytest.mark.parametrize("url_path", APP_PATHS)
def test_no_serious_accessibility_problem_on_any_page(page, app_url, url_path, lang):
    open_page(page, app_url, url_path, lang=lang)
    found = run_axe(page)
    assert not found, f"/{url_path}?lang={lang}:\n{_report(found)}"
    assert all(alt and alt.strip() for alt in main_images(page)), main_images(page)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_home_samples_say_their_class_in_the_visitors_language(page, app_url, lang):
    open_page(page, app_url, "", lang=lang)
    alts = main_images(page)
    names = class_names("cifar10", lang)
    assert len(alts) == len(names)
    # One picture per class, each alt naming its class in this language.
    for alt, name in zip(alts, names, strict=True):
        assert f" {name}," in alt, (alt, name)
    lead = {"pt": "Foto de teste do CIFAR-10", "en": "CIFAR-10 test photo"}[lang]
    assert all(alt.startswith(lead) for alt in alts), alts


def test_evaluate_galleries_name_the_true_and_predicted_class(page, app_url):
    open_page(page, app_url, "evaluate", lang="pt")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text(t("evalp.mistakes.title", "pt")).first.wait_for(timeout=90_000)
    alts = [alt for alt in main_images(page) if alt]
    names = class_names("cifar10", "pt")
    wrong = [alt for alt in alts if "a rede respondeu" in alt]
    # The twelve most confident mistakes (and the confusion cell, off the diagonal by default).
    assert len(wrong) >= 12, alts
    for alt in wrong:
        said = [name for name in names if f"classe {name};" in alt or f"respondeu {name}," in alt]
        assert len(said) == 2, alt  # the true class and a different predicted one
    found = run_axe(page)
    assert not found, _report(found)


@pytest.mark.parametrize("lang", ["pt", "en"])
def test_classify_with_a_photo_and_the_camera_on(page, app_url, lang):
    open_page(page, app_url, "classify", lang=lang)
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("button", name=t("classify.sample_button", lang)).click()
    main.locator('[data-testid="stPlotlyChart"]').first.wait_for(timeout=90_000)
    wait_for_app(page)
    alts = main_images(page)
    # photo, small and enlarged input, feature maps, Grad-CAM: each says what it is
    assert len(alts) >= 5 and all(alt and alt.strip() for alt in alts), alts
    assert t("alt.classify.original", lang) in alts
    main.get_by_text(t("classify.camera_toggle", lang)).click()
    main.locator('[data-testid="stCameraInput"]').wait_for()
    wait_for_app(page)
    found = run_axe(page)
    assert not found, _report(found)
