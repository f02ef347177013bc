"""The browser enforces the Content-Security-Policy, and the browser tests hear when it blocks something."""

from tests.browser.conftest import DESKTOP, record_csp_reports


def test_the_browser_refuses_inline_script_and_style_and_the_tests_notice(browser, staf, base_url):
    # A context of its own: the `new_context` fixture would fail this test for the very reports it wants.
    browser_context = browser.new_context(viewport=DESKTOP, base_url=base_url)
    reports = []
    record_csp_reports(browser_context, reports)
    try:
        page = browser_context.new_page()
        page.goto("/masuk/")
        page.get_by_label("Nama pengguna").fill(staf.username)
        page.get_by_label("Kata sandi").fill("kata-sandi-uji")
        page.get_by_role("button", name="Masuk").click()
        page.wait_for_url(f"{base_url}/")
        assert reports == [], "the app's own page must cause no report"

        # What an injected payload would try: an inline script and an inline style.
        page.evaluate(
            """() => {
                const script = document.createElement("script");
                script.textContent = "window.injected = true";
                document.body.appendChild(script);
                const styled = '<p id="styled" style="color: rgb(255, 0, 0)">x</p>';
                document.body.insertAdjacentHTML("beforeend", styled);
            }"""
        )
        page.wait_for_timeout(200)
        assert page.evaluate("window.injected") is None
        assert page.evaluate("getComputedStyle(document.getElementById('styled')).color") != "rgb(255, 0, 0)"
        assert any("script-src" in report for report in reports), reports
        assert any("style-src" in report for report in reports), reports
    finally:
        browser_context.close()
