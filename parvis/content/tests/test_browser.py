"""The portal in a real Chromium: pages load, nothing leaves 127.0.0.1, axe finds no violation.

Pages that need state (a report, a conversation, a verification, the agents' inboxes) are
reached through the portal's own forms with the page scripts blocked, which is what the server
sees from a browser without JavaScript while axe can still run; each state is audited at 320 px
and 1280 px by the same rules. One browser and one portal for the module.
"""

import re
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from parvis.content.demo import DEMO_DIR
from parvis.core.tests.browser import axe_violations, chromium

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "parvis-demo-2026"  # parvis/management/commands/demo.py
WIDTHS = (320, 1280)


def first_slug(filename: str, key: str) -> str:
    with (Path(DEMO_DIR) / filename).open("rb") as handle:
        return tomllib.load(handle)[key][0]["slug"]


def public_paths() -> list[str]:
    return [
        "/",
        f"/demarches/{first_slug('fiches.toml', 'fiche')}/",
        f"/lieux/{first_slug('lieux.toml', 'lieu')}/",
        f"/parcours/{first_slug('parcours.toml', 'parcours')}/",
        f"/decouvrir/{first_slug('recits.toml', 'recit')}/",
        "/lieux/",
        "/recherche/?q=carte+identite",
        "/recherche/?q=piscine+ouverte+dimanche",
        "/recherche/?q=zzqx+introuvable",
        "/signalements/",
        "/signalements/nouveau/",
        "/verifier/",
        "/assistant/",
        "/en/",
        "/page-inexistante/",
    ]


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


@pytest.mark.parametrize("width", [320, 1280])
def test_pages_pass_axe_and_load_nothing_from_third_parties(portal_url, browser, width):
    """Every page: 0 axe violations, 0 requests off 127.0.0.1, no horizontal scroll at 320 px."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    hosts: set[str] = set()
    page.on("request", lambda request: hosts.add(urlsplit(request.url).hostname or ""))
    report = {}
    for path in public_paths():
        response = page.goto(portal_url + path)
        assert response is not None and response.status in (200, 404), path
        report[path] = [(v["id"], v["impact"], len(v["nodes"])) for v in axe_violations(page)]
        if width == 320:
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= 320, f"{path} scrolls horizontally ({scroll_width}px)"
    page.close()
    assert hosts <= {"127.0.0.1"}, hosts
    assert {path: found for path, found in report.items() if found} == {}


def test_a_resident_finds_a_fiche_by_browsing_without_javascript(portal_url, browser):
    """Home → Vos démarches → a Fiche, with JavaScript disabled, reaches the short answer."""
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 800})
    page = context.new_page()
    page.goto(portal_url + "/")
    page.get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Vos démarches"
    ).click()
    page.locator("main a[href^='/demarches/']").first.click()
    page.wait_for_load_state("load")  # the click only starts the navigation
    assert page.locator("h1").count() == 1
    assert "En bref" in page.content()
    context.close()


ANIMATIONS_SETTLED = """() => Promise.race([
    Promise.all(document.getAnimations()
        .filter((a) => a.effect && a.effect.getTiming().iterations !== Infinity)
        .map((a) => a.finished.catch(() => null))),
    new Promise((resolve) => setTimeout(resolve, 3000)),
])"""


class Audit:
    """Runs the checks on the page as it stands and keeps what they found."""

    def __init__(self) -> None:
        self.hosts: set[str] = set()
        self.violations: dict[str, list[tuple[str, str, str]]] = {}
        self.overflows: dict[str, int] = {}
        self.labels: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).hostname or ""))

    def check(self, page: Any, label: str) -> None:
        self.labels.append(label)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            # A message still fading in (Wagtail's "success" after an agent's reply) has a
            # contrast that depends on the moment axe looks: audit the page at rest.
            page.evaluate(ANIMATIONS_SETTLED)
            found = [
                (v["id"], v["impact"], node["target"][0])
                for v in axe_violations(page)
                for node in v["nodes"]
            ]
            if found:
                self.violations[f"{label} @{width}"] = found
            if width == 320:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > 320:
                    self.overflows[label] = scroll_width

    def assert_clean(self) -> None:
        assert self.hosts <= {"127.0.0.1"}, self.hosts
        assert self.overflows == {}, f"scroll horizontally at 320 px: {self.overflows}"
        assert self.violations == {}, self.violations


def without_scripts(browser: Any, audit: Audit) -> tuple[Any, Any]:
    """A context whose pages run no script of the portal (axe is injected by Playwright)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(re.compile(r"\.js(\?|$)"), lambda route: route.abort())
    page = context.new_page()
    audit.watch(page)
    return context, page


def follow(locator: Any) -> None:
    """Click a link or a submit button and wait for the page it leads to."""
    with locator.page.expect_navigation():
        locator.click()


def test_report_pages_after_filing_a_report_without_javascript(portal_url, browser):
    """Both steps, the form with its errors, the tracking page, the public page, supported."""
    audit = Audit()
    context, page = without_scripts(browser, audit)
    page.goto(portal_url + "/signalements/nouveau/")
    follow(page.get_by_role("button", name="Continuer"))
    audit.check(page, "étape 1 avec erreurs")
    page.locator("input[name=category]").first.check()
    page.get_by_label("Adresse ou lieu").fill("12 rue de Strasbourg")
    follow(page.get_by_role("button", name="Continuer"))
    audit.check(page, "étape 2")
    follow(page.get_by_role("button", name=re.compile("Envoyer")))
    audit.check(page, "étape 2 avec erreurs")
    page.get_by_label("Décrivez le problème").fill("Un dépôt sauvage de cartons sur le trottoir.")
    follow(page.get_by_role("button", name=re.compile("Envoyer")))
    assert "/signalements/suivi/" in page.url
    audit.check(page, "page de suivi")
    number = re.search(r"n° (\d+)", page.locator("h1").inner_text()).group(1)
    page.goto(portal_url + "/signalements/")
    follow(page.locator(f"main a[href='/signalements/{number}/']").first)
    audit.check(page, "page publique")
    follow(page.get_by_role("button", name="Moi aussi, j'ai ce problème"))
    assert "/signalements/suivi/" not in page.url
    audit.check(page, "page publique après un soutien")
    context.close()
    audit.assert_clean()


def test_assistant_thread_hand_off_and_agent_question_without_javascript(portal_url, browser):
    """A question and its answer, the hand-off, and the search page's question to an agent."""
    audit = Audit()
    context, page = without_scripts(browser, audit)
    page.goto(portal_url + "/assistant/")
    page.locator("main").get_by_label("Votre question").fill("   ")  # passes `required`
    follow(page.get_by_role("button", name="Envoyer"))
    assert page.locator("[aria-invalid=true]").count() == 1
    audit.check(page, "assistant, question vide")
    page.locator("main").get_by_label("Votre question").fill(
        "Comment refaire ma carte d'identité ?"
    )
    follow(page.get_by_role("button", name="Envoyer"))
    assert "/assistant/" in page.url and "t=" in page.url
    assert page.locator(".pv-thread__item").count() >= 2
    thread_url = page.url
    audit.check(page, "conversation avec la réponse")
    follow(page.get_by_role("button", name=re.compile("agent")))
    audit.check(page, "conversation transmise à un agent")
    follow(page.get_by_role("button", name="Me prévenir"))  # neither e-mail nor phone
    assert page.get_by_label("Courriel").get_attribute("aria-invalid") == "true"
    audit.check(page, "conversation, coordonnées manquantes")

    query = "Peut-on inscrire un enfant de deux ans à la crèche le samedi ?"
    page.goto(f"{portal_url}/recherche/agent/?{urlencode({'q': query})}")
    audit.check(page, "question à un agent")
    page.locator("main").get_by_label("Votre question").fill("")
    follow(page.get_by_role("button", name="Envoyer ma question"))
    audit.check(page, "question à un agent avec erreurs")
    page.locator("main").get_by_label("Votre question").fill(query)
    follow(page.get_by_role("button", name="Envoyer ma question"))
    assert "/assistant/" in page.url and "t=" in page.url
    audit.check(page, "conversation ouverte par la question à un agent")
    context.close()

    # The same thread as most residents see it: rendered by assistant.js.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    audit.watch(page)
    page.goto(thread_url)
    page.locator(".pv-assistant__live textarea").wait_for()
    audit.check(page, "conversation (avec JavaScript)")
    page.close()
    audit.assert_clean()


def test_verify_page_with_results(portal_url, browser):
    """A certified page of the portal (success) and a sentence the city never published."""
    audit = Audit()
    context, page = without_scripts(browser, audit)
    page.goto(portal_url + "/verifier/")
    page.get_by_label("Adresse de la page").fill(portal_url + "/lieux/")
    follow(page.get_by_role("button", name="Vérifier l'adresse"))
    assert page.locator("table").count() == 1
    audit.check(page, "vérifier une adresse (certifiée)")
    page.get_by_label("Adresse de la page").fill("https://ailleurs.example/page")
    follow(page.get_by_role("button", name="Vérifier l'adresse"))
    audit.check(page, "vérifier une adresse (hors portail)")
    page.get_by_label("Phrase à vérifier").fill(
        "La mairie distribue des licornes gratuites le lundi"
    )
    follow(page.get_by_role("button", name="Vérifier la phrase"))
    content = page.content()
    assert "aucune publication certifiée" in content or "pas publié ce texte" in content
    audit.check(page, "vérifier une phrase (non publiée)")
    context.close()
    audit.assert_clean()


def log_in(browser: Any, audit: Audit, portal_url: str, username: str) -> Any:
    """A page of a new context, logged in to the admin with a demo account."""
    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    audit.watch(page)
    page.goto(portal_url + "/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    with page.expect_navigation():
        page.locator("#id_password").press("Enter")
    assert page.url.endswith("/admin/"), page.url
    return page


def test_agents_inboxes_rendered_by_parvis(portal_url, browser):
    """Guichet des agents: both inboxes, a report, a conversation answered by an agent.

    The whole admin page is audited, Wagtail's menus included: they showed no violation.
    """
    audit = Audit()
    context, page = without_scripts(browser, audit)
    page.goto(f"{portal_url}/recherche/agent/?{urlencode({'q': 'Refaire ma carte d’identité'})}")
    follow(page.get_by_role("button", name="Envoyer ma question"))
    thread_url = page.url

    agent = log_in(browser, audit, portal_url, "agent-proprete")  # the demo reports' service
    agent.goto(portal_url + "/admin/signalements/")
    audit.check(agent, "guichet : signalements")
    follow(agent.locator("table.listing tbody a").first)
    audit.check(agent, "guichet : un signalement")
    agent.context.close()

    agent = log_in(browser, audit, portal_url, "agent")  # état civil
    agent.goto(portal_url + "/admin/conversations/")
    audit.check(agent, "guichet : conversations")
    public_id = urlsplit(thread_url).path.split("/")[-2]
    follow(agent.locator(f"table.listing a[href$='/{public_id}/']"))
    audit.check(agent, "guichet : une conversation")
    agent.locator("#reply-text").fill("Bonjour, prenez rendez-vous en mairie annexe.")
    follow(agent.get_by_role("button", name="Envoyer", exact=True))
    audit.check(agent, "guichet : une conversation après la réponse")
    agent.context.close()

    page.reload()  # the resident's thread, still open in the first context
    assert "Samia" in page.locator(".pv-thread").inner_text()
    audit.check(page, "conversation avec la réponse d'un agent")
    context.close()
    audit.assert_clean()


FOCUSED = """(wanted) => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  const box = el.getBoundingClientRect();
  return {
    element: el.tagName.toLowerCase() + (el.id ? "#" + el.id : ""),
    name: (el.innerText || el.getAttribute("aria-label") || el.name || "").trim().slice(0, 60),
    wanted: el.matches(wanted),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
    on_screen: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0,
  };
}"""


def tab_to(page: Any, selector: str, *, limit: int = 60) -> None:
    """Press Tab until the element ``selector`` has focus; every stop must show where focus is."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED, selector)
        assert focused["on_screen"], f"focus on something not shown: {focused}"
        assert focused["outline"] or focused["shadow"], f"no visible focus: {focused}"
        if focused["wanted"]:
            return
    raise AssertionError(f"not reached with {limit} presses of Tab (a keyboard trap?)")


def test_keyboard_only_from_the_home_page_to_an_agent(portal_url, browser):
    """QUALITY.md A4: question box, Enter, first result, then an agent, with Tab and Enter only."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(portal_url + "/")
    tab_to(page, "main input[name=q]")
    page.keyboard.type("refaire ma carte d'identité")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/recherche/?q=" in page.url
    tab_to(page, "ol.pv-results > li:first-child a")
    tab_to(page, "main a[href^='/recherche/agent/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/recherche/agent/" in page.url
    assert "carte d'identité" in page.locator("main textarea").input_value()
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "/assistant/" in page.url
    assert page.locator(".pv-thread__item").count() >= 1
    page.close()
